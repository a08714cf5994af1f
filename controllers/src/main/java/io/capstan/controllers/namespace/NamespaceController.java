package io.capstan.controllers.namespace;

import com.google.protobuf.Message;
import io.capstan.client.ApiException;
import io.capstan.client.DeleteOptions;
import io.capstan.client.Deleted;
import io.capstan.client.Kind;
import io.capstan.client.KindClient;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.controller.EventHandlers;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.namespace.NamespaceDeletion.Remaining;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties namespaces being deleted and then releases them to the API server, as Kubernetes'
 * namespace controller; keyed by namespace name. Each pass over a Terminating namespace lists every
 * namespaced kind in it from the API (not from a cache, so nothing created just before the
 * deletion began is missed), deletes each object not yet being deleted (background propagation),
 * and:
 *
 * <ul>
 *   <li>when nothing is left, removes the "kubernetes" finalizer from spec.finalizers, upon which
 *       the server removes the namespace;
 *   <li>otherwise records what is left in the namespace's conditions ({@link NamespaceDeletion})
 *       and looks again after the recheck period: pods wait for their kubelets, objects for their
 *       finalizers.
 * </ul>
 */
public final class NamespaceController implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(NamespaceController.class);

    private final Indexer<Namespace> namespaces;
    private final ObjectClient api;
    private final List<Kind<?>> kinds;
    private final Duration recheckPeriod;
    private final InstantSource clock;

    /**
     * @param recheckPeriod how long to wait before looking again at a namespace not yet empty
     */
    public NamespaceController(
            Indexer<Namespace> namespaces, ObjectClient api, Duration recheckPeriod, InstantSource clock) {
        this.namespaces = namespaces;
        this.api = api;
        this.kinds = Kind.all().stream().filter(Kind::isNamespaced).toList();
        this.recheckPeriod = recheckPeriod;
        this.clock = clock;
    }

    public static Controller controller(
            Informer<Namespace> namespaces, ObjectClient api, Duration recheckPeriod, InstantSource clock) {
        return Controller.named("namespace")
                .reconciler(new NamespaceController(namespaces.indexer(), api, recheckPeriod, clock))
                .watch(namespaces, EventHandlers.byKey())
                .build();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Optional<Namespace> found = namespaces.get(key);
        if (found.isEmpty() || !NamespaceDeletion.isToBeEmptied(found.get())) {
            return Result.done();
        }
        Namespace namespace = found.get();
        Remaining remaining = deleteContent(key.name());
        if (remaining.isEmpty()) {
            try {
                api.namespaces().update(NamespaceDeletion.withoutFinalizer(namespace));
                log.info("Namespace {} is empty, finalized", key.name());
            } catch (NotFoundException e) {
                // removed already
            }
            return Result.done();
        }
        NamespaceStatus status = NamespaceDeletion.status(namespace.getStatus(), remaining, clock.instant());
        if (!status.equals(namespace.getStatus())) {
            try {
                api.namespaces()
                        .updateStatus(namespace.toBuilder().setStatus(status).build());
            } catch (NotFoundException e) {
                return Result.done();
            }
        }
        log.debug("Namespace {} still holds {}", key.name(), remaining.objectsByKind());
        return Result.requeueAfter(recheckPeriod);
    }

    /** Deletes what is in {@code namespace} and says what is left. */
    private Remaining deleteContent(String namespace) {
        TreeMap<String, Integer> objects = new TreeMap<>();
        TreeMap<String, Integer> finalizers = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Kind<?> kind : kinds) {
            deleteAll(api.kind(kind), namespace, objects, finalizers, failures);
        }
        return new Remaining(objects, finalizers, failures);
    }

    private <T extends Message> void deleteAll(
            KindClient<T> client,
            String namespace,
            Map<String, Integer> objects,
            Map<String, Integer> finalizers,
            List<String> failures) {
        String kind = client.kind().name();
        List<T> items;
        try {
            items = client.listAll(ListOptions.inNamespace(namespace)).items();
        } catch (ApiException e) {
            failures.add(kind + ": " + e.getMessage());
            objects.merge(kind, 1, Integer::sum); // unknown: count it as not yet empty
            return;
        }
        for (T item : items) {
            ObjectMeta meta = client.kind().metadata(item);
            if (!meta.hasDeletionTimestamp()) {
                try {
                    Deleted<T> deleted = client.delete(
                            namespace,
                            meta.getName(),
                            DeleteOptions.defaults()
                                    .withPropagation(PropagationPolicy.PROPAGATION_POLICY_BACKGROUND)
                                    .withPreconditions(meta.getUid(), ""));
                    if (deleted.removed()) {
                        continue;
                    }
                    meta = client.kind().metadata(deleted.object());
                } catch (NotFoundException e) {
                    continue;
                } catch (ApiException e) {
                    failures.add(kind + " " + meta.getName() + ": " + e.getMessage());
                }
            }
            objects.merge(kind, 1, Integer::sum);
            for (String finalizer : meta.getFinalizersList()) {
                finalizers.merge(finalizer, 1, Integer::sum);
            }
        }
    }
}
