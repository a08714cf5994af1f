package io.capstan.controllers.deployment;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.controller.EventHandlers;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.events.EventRecorder;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.client.workqueue.WorkQueue;
import io.capstan.controllers.common.Claim;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Expectations;
import io.capstan.controllers.common.PendingWrites;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drives each Deployment toward its template and size through its ReplicaSets, as Kubernetes'
 * deployment controller (syncDeployment):
 *
 * <ol>
 *   <li>claim its ReplicaSets (adopting matching orphans, releasing those that stop matching);
 *   <li>being deleted: report status only;
 *   <li>record a pause or resume in the Progressing condition;
 *   <li>paused, or spec.replicas changed: scale the ReplicaSets it has ({@link
 *       ProportionalScaling}), no rollout;
 *   <li>a {@value Revisions#ROLLBACK_TO} annotation: roll the template back ({@link Rollback});
 *   <li>otherwise roll out per strategy ({@link RollingUpdate} or {@link Recreate}), delete old
 *       ReplicaSets beyond revisionHistoryLimit once complete, and report status and conditions.
 * </ol>
 *
 * <p>This class claims (step 1) and maps informer events to keys; steps 2 to 6 are one {@link
 * DeploymentSync} pass.
 *
 * <p>A cached ReplicaSet or deployment still at the version this controller wrote over is not acted
 * on ({@link PendingWrites}); its watch event requeues the deployment.
 */
public final class DeploymentController implements Reconciler {
    static final String COMPONENT = "deployment-controller";
    static final String SELECTING_ALL = "SelectingAll";

    private final Indexer<Deployment> deployments;
    private final Indexer<ReplicaSet> replicaSets;
    private final Indexer<Pod> pods;
    private final DeploymentApi api;
    private final EventRecorder events;
    private final InstantSource clock;
    private final PendingWrites pendingWrites = new PendingWrites();
    // ReplicaSets created but not yet in the cache, per deployment key
    private final Expectations creations;

    DeploymentController(
            Indexer<Deployment> deployments,
            Indexer<ReplicaSet> replicaSets,
            Indexer<Pod> pods,
            DeploymentApi api,
            EventRecorder events,
            InstantSource clock) {
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.api = api;
        this.events = events;
        this.clock = clock;
        this.creations = new Expectations(clock);
    }

    /**
     * The controller over {@code client}, fed by the three informers (which the caller starts and
     * stops); start it with {@link Controller#start()}.
     */
    public static Controller create(
            ObjectClient client,
            Informer<Deployment> deploymentInformer,
            Informer<ReplicaSet> replicaSetInformer,
            Informer<Pod> podInformer,
            EventRecorder events,
            InstantSource clock,
            int workers) {
        DeploymentController reconciler = new DeploymentController(
                deploymentInformer.indexer(),
                replicaSetInformer.indexer(),
                podInformer.indexer(),
                new ClientDeploymentApi(client),
                events,
                clock);
        Controller controller = Controller.named("deployment")
                .reconciler(reconciler)
                .watch(deploymentInformer, EventHandlers.byKey())
                .watch(replicaSetInformer, rs -> List.of())
                .watch(podInformer, pod -> List.of())
                .workers(workers)
                .build();
        replicaSetInformer.addHandler(reconciler.replicaSetHandler(controller.queue()));
        podInformer.addHandler(reconciler.podHandler(controller.queue()));
        return controller;
    }

    @Override
    public Result reconcile(ObjectKey key) throws Exception {
        Optional<Deployment> found = deployments.get(key);
        if (found.isEmpty()) {
            pendingWrites.forget(key.toString());
            creations.delete(key.toString());
            return Result.done(); // gone; the garbage collector removes its ReplicaSets
        }
        Deployment deployment = found.get();
        if (pendingWrites.isStale(key.toString(), deployment.getMetadata().getResourceVersion())
                || !creations.satisfied(key.toString())) {
            return Result.done(); // our own write is on its way to the cache and will requeue us
        }
        if (!deployment.getSpec().hasSelector()
                || (deployment.getSpec().getSelector().getMatchLabelsCount() == 0
                        && deployment.getSpec().getSelector().getMatchExpressionsCount() == 0)) {
            events.warning(
                    DeploymentSync.reference(deployment),
                    SELECTING_ALL,
                    "This deployment is selecting all pods. A non-empty selector is required.");
            if (deployment.getStatus().getObservedGeneration()
                    < deployment.getMetadata().getGeneration()) {
                DeploymentSync.writeStatus(
                        api,
                        pendingWrites,
                        deployment,
                        deployment.getStatus().toBuilder()
                                .setObservedGeneration(deployment.getMetadata().getGeneration())
                                .build());
            }
            return Result.done();
        }
        LabelSelector selector;
        try {
            selector = LabelSelector.fromProto(deployment.getSpec().getSelector(), "spec.selector");
        } catch (IllegalArgumentException e) {
            events.warning(DeploymentSync.reference(deployment), "InvalidSelector", String.valueOf(e.getMessage()));
            return Result.done();
        }
        List<ReplicaSet> owned = claimReplicaSets(deployment, selector);
        for (ReplicaSet rs : owned) {
            if (pendingWrites.isStale(DeploymentSync.rsKey(rs), rs.getMetadata().getResourceVersion())) {
                return Result.done(); // its event will requeue us
            }
        }
        return new DeploymentSync(
                        api, events, pendingWrites, creations, replicaSets, pods, deployment, owned, clock.instant())
                .run();
    }

    /**
     * The ReplicaSets the deployment controls after adopting matching orphans and releasing
     * those that no longer match (Kubernetes' ClaimReplicaSets).
     */
    private List<ReplicaSet> claimReplicaSets(Deployment deployment, LabelSelector selector) {
        ObjectMeta owner = deployment.getMetadata();
        Map<String, ReplicaSet> candidates = new LinkedHashMap<>();
        for (ReplicaSet rs : replicaSets.list(owner.getNamespace(), selector)) {
            candidates.put(rs.getMetadata().getName(), rs);
        }
        for (ReplicaSet rs : replicaSets.byIndex(Indexer.OWNER_UID, owner.getUid())) {
            if (rs.getMetadata().getNamespace().equals(owner.getNamespace())) {
                candidates.putIfAbsent(rs.getMetadata().getName(), rs);
            }
        }
        List<ReplicaSet> claimed = new ArrayList<>();
        boolean ownerChecked = false;
        for (ReplicaSet rs : candidates.values()) {
            Claim claim = Claim.decide(owner, owner.hasDeletionTimestamp(), selector, rs.getMetadata());
            switch (claim) {
                case OWNED -> claimed.add(rs);
                case ADOPT -> {
                    if (!ownerChecked) {
                        Optional<Deployment> fresh = api.getDeployment(owner.getNamespace(), owner.getName());
                        if (fresh.isEmpty()
                                || !fresh.get().getMetadata().getUid().equals(owner.getUid())
                                || fresh.get().getMetadata().hasDeletionTimestamp()) {
                            return claimed;
                        }
                        ownerChecked = true;
                    }
                    OwnerReference ref = ControllerRef.to(NewReplicaSets.API_VERSION, NewReplicaSets.KIND, owner);
                    try {
                        claimed.add(api.updateReplicaSet(rs.toBuilder()
                                .setMetadata(ControllerRef.adopted(rs.getMetadata(), ref))
                                .build()));
                    } catch (NotFoundException e) {
                        // gone already
                    }
                }
                case RELEASE -> {
                    try {
                        api.updateReplicaSet(rs.toBuilder()
                                .setMetadata(ControllerRef.released(rs.getMetadata(), owner.getUid()))
                                .build());
                    } catch (NotFoundException e) {
                        // gone already
                    }
                }
                case IGNORE -> {}
            }
        }
        return claimed;
    }

    // ---------------------------------------------------------------------------------------------
    // informer handlers: map ReplicaSet and pod changes to deployment keys

    EventHandler<ReplicaSet> replicaSetHandler(WorkQueue<ObjectKey> queue) {
        return new EventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                Optional<ObjectKey> owner = controllingDeployment(rs.getMetadata());
                if (owner.isPresent()) {
                    creations.creationObserved(owner.get().toString());
                    queue.add(owner.get());
                    return;
                }
                if (ControllerRef.of(rs.getMetadata()).isEmpty()) {
                    matchingDeployments(rs.getMetadata()).forEach(queue::add);
                }
            }

            @Override
            public void onUpdate(ReplicaSet oldRs, ReplicaSet newRs) {
                ObjectMeta was = oldRs.getMetadata();
                ObjectMeta now = newRs.getMetadata();
                if (was.getResourceVersion().equals(now.getResourceVersion())) {
                    return;
                }
                Optional<OwnerReference> oldRef = ControllerRef.of(was);
                Optional<OwnerReference> newRef = ControllerRef.of(now);
                boolean refChanged = !oldRef.equals(newRef);
                if (refChanged && oldRef.isPresent()) {
                    controllingDeployment(was).ifPresent(queue::add);
                }
                if (newRef.isPresent()) {
                    controllingDeployment(now).ifPresent(queue::add);
                    return;
                }
                if (refChanged || !was.getLabelsMap().equals(now.getLabelsMap())) {
                    matchingDeployments(now).forEach(queue::add);
                }
            }

            @Override
            public void onDelete(ReplicaSet rs) {
                pendingWrites.forget(DeploymentSync.rsKey(rs));
                controllingDeployment(rs.getMetadata()).ifPresent(queue::add);
            }
        };
    }

    /** A Recreate rollout waits for old pods to be gone: their deletions requeue it. */
    EventHandler<Pod> podHandler(WorkQueue<ObjectKey> queue) {
        return new EventHandler<>() {
            @Override
            public void onDelete(Pod pod) {
                Optional<OwnerReference> ref = ControllerRef.of(pod.getMetadata());
                if (ref.isEmpty() || !ref.get().getKind().equals("ReplicaSet")) {
                    return;
                }
                replicaSets
                        .get(pod.getMetadata().getNamespace(), ref.get().getName())
                        .flatMap(rs -> controllingDeployment(rs.getMetadata()))
                        .filter(key -> deployments
                                .get(key)
                                .map(d -> d.getSpec().getStrategy().getType() == DeploymentStrategy.Type.TYPE_RECREATE)
                                .orElse(false))
                        .ifPresent(queue::add);
            }
        };
    }

    /** The cached deployment the controller reference names, if it is that very one (uid). */
    private Optional<ObjectKey> controllingDeployment(ObjectMeta rs) {
        Optional<OwnerReference> ref = ControllerRef.of(rs);
        if (ref.isEmpty() || !ref.get().getKind().equals(NewReplicaSets.KIND)) {
            return Optional.empty();
        }
        return deployments
                .get(rs.getNamespace(), ref.get().getName())
                .filter(d -> d.getMetadata().getUid().equals(ref.get().getUid()))
                .map(d -> ObjectKey.of(d.getMetadata()));
    }

    private List<ObjectKey> matchingDeployments(ObjectMeta rs) {
        List<ObjectKey> keys = new ArrayList<>();
        for (Deployment deployment : deployments.list(rs.getNamespace())) {
            try {
                LabelSelector selector =
                        LabelSelector.fromProto(deployment.getSpec().getSelector());
                if (!selector.isEverything() && selector.matches(rs.getLabelsMap())) {
                    keys.add(ObjectKey.of(deployment.getMetadata()));
                }
            } catch (IllegalArgumentException e) {
                // an invalid selector adopts nothing; its own sync reports it
            }
        }
        return keys;
    }
}
