package io.capstan.controllers.endpoints;

import io.capstan.client.ApiException;
import io.capstan.client.DeleteOptions;
import io.capstan.client.KindClient;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.controller.EventHandlers;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Service;
import io.grpc.Status;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, for each Service with a selector, an Endpoints object of the same namespace and name
 * listing the pods it selects (see {@link DesiredEndpoints}), as Kubernetes' endpoints controller.
 * Keyed by service. A Service without a selector has its Endpoints managed by hand and is left
 * alone; an Endpoints object whose Service is gone is deleted.
 */
public final class EndpointsController implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(EndpointsController.class);

    private final Indexer<Service> services;
    private final Indexer<Pod> pods;
    private final Indexer<Endpoints> endpoints;
    private final KindClient<Endpoints> api;

    public EndpointsController(
            Indexer<Service> services, Indexer<Pod> pods, Indexer<Endpoints> endpoints, KindClient<Endpoints> api) {
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
        this.api = api;
    }

    /**
     * The controller, fed by changes to services (their own key), to pods (the key of each service
     * selecting them, before and after the change) and to endpoints (their own key, so one deleted
     * or edited by hand is put right).
     */
    public static Controller controller(
            Informer<Service> services, Informer<Pod> pods, Informer<Endpoints> endpoints, KindClient<Endpoints> api) {
        Indexer<Service> serviceCache = services.indexer();
        return Controller.named("endpoints")
                .reconciler(new EndpointsController(serviceCache, pods.indexer(), endpoints.indexer(), api))
                .watch(services, EventHandlers.byKey())
                .watch(pods, pod -> servicesSelecting(serviceCache, pod))
                .watch(endpoints, EventHandlers.byKey())
                .build();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Optional<Service> service = services.get(key);
        Optional<Endpoints> current = endpoints.get(key);
        if (service.isEmpty()) {
            current.ifPresent(this::delete);
            return Result.done();
        }
        if (service.get().getSpec().getSelectorCount() == 0) {
            return Result.done(); // Endpoints managed by hand
        }
        Endpoints desired = DesiredEndpoints.of(service.get(), pods.list(key.namespace()));
        if (current.isEmpty()) {
            create(desired);
        } else if (!DesiredEndpoints.isCurrent(current.get(), desired)) {
            Endpoints updated = current.get().toBuilder()
                    .setMetadata(current.get().getMetadata().toBuilder()
                            .clearLabels()
                            .putAllLabels(desired.getMetadata().getLabelsMap()))
                    .clearSubsets()
                    .addAllSubsets(desired.getSubsetsList())
                    .build();
            api.update(updated);
            log.debug("Updated endpoints {}: {} subsets", key, desired.getSubsetsCount());
        }
        return Result.done();
    }

    private void create(Endpoints desired) {
        try {
            api.create(desired);
            log.debug(
                    "Created endpoints {}/{}",
                    desired.getMetadata().getNamespace(),
                    desired.getMetadata().getName());
        } catch (ApiException e) {
            if (e.code() == Status.Code.FAILED_PRECONDITION) {
                // the namespace is being deleted: nothing may be created in it, and the service goes too
                log.debug("Not creating endpoints in a terminating namespace: {}", e.getMessage());
                return;
            }
            throw e;
        }
    }

    private void delete(Endpoints stale) {
        try {
            // only the object seen: one created since for a new service of the same name stays
            api.delete(
                    stale.getMetadata().getNamespace(),
                    stale.getMetadata().getName(),
                    DeleteOptions.defaults()
                            .withPreconditions(stale.getMetadata().getUid(), ""));
            log.debug(
                    "Deleted endpoints {}/{} of a deleted service",
                    stale.getMetadata().getNamespace(),
                    stale.getMetadata().getName());
        } catch (NotFoundException e) {
            // already gone
        }
    }

    private static List<ObjectKey> servicesSelecting(Indexer<Service> services, Pod pod) {
        return services.list(pod.getMetadata().getNamespace()).stream()
                .filter(s -> DesiredEndpoints.selects(s, pod))
                .map(s -> ObjectKey.of(s.getMetadata()))
                .toList();
    }
}
