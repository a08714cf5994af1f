package io.capstan.controllers.gc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.capstan.client.DeleteOptions;
import io.capstan.client.Kind;
import io.capstan.client.KindClient;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.informer.Indexer;
import io.capstan.controllers.gc.ObjectGraph.Node;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector for the objects of one kind, keyed by their namespace and name: looks at
 * an object as an owner being deleted (orphan or foreground) or as a dependent whose owners may be
 * gone, and acts on {@link GarbageCollection}'s decision.
 *
 * <p>An owner missing from the cache is looked up through the API before its dependents are
 * deleted, as Kubernetes does: the cache may simply not have seen a new owner yet. Owners
 * confirmed absent are remembered by uid (uids are never reused).
 */
final class KindCollector<T extends Message> implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(KindCollector.class);

    private final Kind<T> kind;
    private final Indexer<T> cache;
    private final ObjectGraph graph;
    private final ObjectClient api;
    private final AbsentOwners absentOwners;
    private final Consumer<Node> enqueue;

    /**
     * @param enqueue queues an object of any kind with that kind's collector
     */
    KindCollector(
            Kind<T> kind,
            Indexer<T> cache,
            ObjectGraph graph,
            ObjectClient api,
            AbsentOwners absentOwners,
            Consumer<Node> enqueue) {
        this.kind = kind;
        this.cache = cache;
        this.graph = graph;
        this.api = api;
        this.absentOwners = absentOwners;
        this.enqueue = enqueue;
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Optional<T> found = cache.get(key);
        if (found.isEmpty()) {
            return Result.done();
        }
        T object = found.get();
        ObjectMeta meta = kind.metadata(object);
        if (GarbageCollection.isOrphaningDependents(meta)) {
            orphanDependents(object, meta);
        } else if (GarbageCollection.isDeletingDependents(meta)) {
            deleteDependents(object, meta);
        } else if (!meta.hasDeletionTimestamp()) {
            collectIfOwnersGone(object, meta);
        }
        return Result.done();
    }

    /** Orphan: every dependent loses its reference to this owner, then the finalizer goes. */
    private void orphanDependents(T owner, ObjectMeta meta) {
        for (Node dependent : graph.dependentsOf(meta.getUid())) {
            updateMetadata(dependent, GarbageCollection.withoutReferences(dependent.meta(), Set.of(meta.getUid())));
            log.debug("Orphaned {} {} from {} {}", dependent.kind(), dependent.key(), kind, ObjectKey.of(meta));
        }
        update(owner, GarbageCollection.withoutFinalizer(meta, GarbageCollection.ORPHAN));
        log.debug("Released the dependents of {} {}", kind, ObjectKey.of(meta));
    }

    /**
     * Foreground: the dependents are deleted (each by its own collector, which finds this owner
     * waiting); the finalizer goes once none that blocks is left.
     */
    private void deleteDependents(T owner, ObjectMeta meta) {
        List<Node> dependents = graph.dependentsOf(meta.getUid());
        List<ObjectMeta> blocking = GarbageCollection.blockingDependents(
                meta.getUid(), dependents.stream().map(Node::meta).toList());
        if (blocking.isEmpty()) {
            update(owner, GarbageCollection.withoutFinalizer(meta, GarbageCollection.FOREGROUND));
            log.debug("No dependent blocks {} {} any more", kind, ObjectKey.of(meta));
            return;
        }
        for (Node dependent : dependents) {
            if (!dependent.meta().hasDeletionTimestamp() || GarbageCollection.isDeletingDependents(dependent.meta())) {
                enqueue.accept(dependent);
            }
        }
    }

    private void collectIfOwnersGone(T object, ObjectMeta meta) {
        if (meta.getOwnerReferencesCount() == 0) {
            return;
        }
        Map<String, OwnerState> owners = new HashMap<>();
        for (OwnerReference reference : meta.getOwnerReferencesList()) {
            owners.put(reference.getUid(), stateOf(reference, meta));
        }
        List<Node> dependents = graph.dependentsOf(meta.getUid());
        Verdict verdict = GarbageCollection.judge(
                meta,
                owners,
                !dependents.isEmpty(),
                dependents.stream().anyMatch(d -> GarbageCollection.isDeletingDependents(d.meta())));
        switch (verdict.action()) {
            case KEEP -> {}
            case REMOVE_REFERENCES -> {
                update(object, GarbageCollection.withoutReferences(meta, verdict.ownerUids()));
                log.debug(
                        "Removed references of {} {} to owners {} that are gone",
                        kind,
                        ObjectKey.of(meta),
                        verdict.ownerUids());
            }
            case DELETE -> delete(meta, verdict.policy());
            case UNBLOCK_AND_DELETE -> {
                update(object, GarbageCollection.unblocked(meta, verdict.ownerUids()));
                delete(meta, verdict.policy());
            }
        }
    }

    private OwnerState stateOf(OwnerReference reference, ObjectMeta dependent) {
        Optional<Kind<?>> ownerKind = Kind.all().stream()
                .filter(k -> k.name().equals(reference.getKind()))
                .findFirst();
        if (ownerKind.isEmpty()) {
            return OwnerState.SOLID; // not a kind we know: nothing can tell it is gone
        }
        if (absentOwners.contains(reference.getUid())) {
            return OwnerState.DANGLING;
        }
        String namespace = ownerKind.get().isNamespaced() ? dependent.getNamespace() : "";
        if (ownerKind.get().isNamespaced() && namespace.isEmpty()) {
            // a cluster-scoped object cannot be owned by a namespaced one: Kubernetes treats the
            // reference as unresolvable
            return OwnerState.DANGLING;
        }
        ObjectKey ownerKey = ObjectKey.of(namespace, reference.getName());
        Optional<ObjectMeta> owner = graph.get(ownerKind.get(), ownerKey)
                .filter(o -> o.getUid().equals(reference.getUid()))
                .or(() -> read(ownerKind.get(), ownerKey));
        OwnerState state = GarbageCollection.classify(reference, owner);
        if (state == OwnerState.DANGLING) {
            absentOwners.add(reference.getUid());
        }
        return state;
    }

    /** The owner's latest state from the API: the cache may not have caught up. */
    private Optional<ObjectMeta> read(Kind<?> ownerKind, ObjectKey key) {
        try {
            return Optional.of(Kind.metadataOf(api.get(ownerKind.name(), key.namespace(), key.name())));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private void delete(ObjectMeta meta, PropagationPolicy policy) {
        try {
            api.kind(kind)
                    .delete(
                            meta.getNamespace(),
                            meta.getName(),
                            DeleteOptions.defaults().withPropagation(policy).withPreconditions(meta.getUid(), ""));
            log.debug("Deleted {} {} whose owners are gone ({})", kind, ObjectKey.of(meta), policy);
        } catch (NotFoundException e) {
            // gone already
        }
    }

    private void update(T object, ObjectMeta meta) {
        try {
            api.kind(kind).update(withMetadata(object, meta));
        } catch (NotFoundException e) {
            // gone meanwhile
        }
    }

    private void updateMetadata(Node node, ObjectMeta meta) {
        updateOther(node.kind(), node.key(), meta);
    }

    /** Writes {@code meta} over the cached object of another kind, guarded by its resourceVersion. */
    private <D extends Message> void updateOther(Kind<D> otherKind, ObjectKey key, ObjectMeta meta) {
        KindClient<D> client = api.kind(otherKind);
        Optional<D> cached = graph.cached(otherKind, key);
        if (cached.isEmpty()) {
            return; // gone meanwhile
        }
        try {
            client.update(withMetadata(cached.get(), meta));
        } catch (NotFoundException e) {
            // gone meanwhile
        }
    }

    /** {@code object} with {@code meta} as its metadata. */
    static <M extends Message> M withMetadata(M object, ObjectMeta meta) {
        FieldDescriptor field = object.getDescriptorForType().findFieldByName("metadata");
        @SuppressWarnings("unchecked")
        M updated = (M) object.toBuilder().setField(field, meta).build();
        return updated;
    }
}
