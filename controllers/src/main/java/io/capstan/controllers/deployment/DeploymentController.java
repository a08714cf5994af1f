package io.capstan.controllers.deployment;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.AlreadyExistsException;
import io.capstan.client.ApiException;
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
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>A cached ReplicaSet or deployment still at the version this controller wrote over is not acted
 * on ({@link PendingWrites}); its watch event requeues the deployment.
 */
public final class DeploymentController implements Reconciler {
    private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);
    static final String COMPONENT = "deployment-controller";
    static final String SCALING_REPLICA_SET = "ScalingReplicaSet";
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
                    reference(deployment),
                    SELECTING_ALL,
                    "This deployment is selecting all pods. A non-empty selector is required.");
            if (deployment.getStatus().getObservedGeneration()
                    < deployment.getMetadata().getGeneration()) {
                writeStatus(
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
            events.warning(reference(deployment), "InvalidSelector", String.valueOf(e.getMessage()));
            return Result.done();
        }
        List<ReplicaSet> owned = claimReplicaSets(deployment, selector);
        for (ReplicaSet rs : owned) {
            if (pendingWrites.isStale(rsKey(rs), rs.getMetadata().getResourceVersion())) {
                return Result.done(); // its event will requeue us
            }
        }
        Sync sync = new Sync(deployment, owned, clock.instant());
        return sync.run();
    }

    /**
     * One pass over one deployment. Holds the deployment and its ReplicaSets as they are after
     * each write of the pass, so later steps see what earlier ones did.
     */
    private final class Sync {
        Deployment deployment;
        final List<ReplicaSet> owned;
        final Instant now;

        @Nullable
        ReplicaSet newRs;

        List<ReplicaSet> old = List.of();

        Sync(Deployment deployment, List<ReplicaSet> owned, Instant now) {
            this.deployment = deployment;
            this.owned = new ArrayList<>(owned);
            this.now = now;
        }

        Result run() {
            if (deployment.getMetadata().hasDeletionTimestamp()) {
                resolveReplicaSets();
                return writeStatusIfChanged(DeploymentStatuses.calculate(all(), newRs, deployment, now));
            }
            Optional<DeploymentStatus> paused = DeploymentStatuses.pausedCondition(deployment, now);
            if (paused.isPresent()) {
                deployment = writeStatus(deployment, paused.get());
            }
            resolveReplicaSets();
            if (deployment.getSpec().getPaused()) {
                return scaleOnly();
            }
            OptionalLong rollbackTo = Rollback.requested(deployment);
            if (rollbackTo.isPresent()) {
                return rollback(rollbackTo.getAsLong());
            }
            if (ProportionalScaling.isScalingEvent(deployment, all())) {
                return scaleOnly();
            }
            return deployment.getSpec().getStrategy().getType() == DeploymentStrategy.Type.TYPE_RECREATE
                    ? recreate()
                    : rollingUpdate();
        }

        /** Kubernetes' sync: scale what exists, no new ReplicaSet; clean up history when paused. */
        Result scaleOnly() {
            for (ScaleChange change : ProportionalScaling.plan(deployment, newRs, old)) {
                scale(change);
            }
            if (deployment.getSpec().getPaused()
                    && Rollback.requested(deployment).isEmpty()) {
                cleanUpHistory();
            }
            return writeStatusIfChanged(DeploymentStatuses.calculate(all(), newRs, deployment, now));
        }

        Result rollingUpdate() {
            ReplicaSet current = newReplicaSet();
            List<ScaleChange> step = RollingUpdate.step(deployment, current, old);
            boolean scaled = false;
            for (ScaleChange change : step) {
                scaled |= change.resizes();
                scale(change);
            }
            if (!scaled && DeploymentStatuses.isComplete(deployment, deployment.getStatus())) {
                cleanUpHistory();
            }
            return rolloutStatus();
        }

        Result recreate() {
            Map<String, List<Pod>> podsByOwner = podsByReplicaSet(owned);
            Recreate.Step step =
                    Recreate.next(deployment, newRs, old, Recreate.oldPodsRunning(newRs, old, podsByOwner));
            switch (step.action()) {
                case SCALE_DOWN_OLD -> {
                    step.changes().forEach(this::scale);
                    return rolloutStatus();
                }
                case WAIT_FOR_OLD_PODS -> {
                    return rolloutStatus();
                }
                case CREATE_NEW, SCALE_UP_NEW, NONE -> {
                    ReplicaSet current = newReplicaSet();
                    scale(new ScaleChange(current, Replicas.of(deployment)));
                    if (DeploymentStatuses.isComplete(deployment, deployment.getStatus())) {
                        cleanUpHistory();
                    }
                    return rolloutStatus();
                }
            }
            throw new IllegalStateException("unknown step " + step.action());
        }

        Result rollback(long revision) {
            Rollback.Decision decision = Rollback.decide(deployment, owned, revision);
            deployment = writeDeployment(decision.updated());
            if (decision.outcome() == Rollback.Outcome.ROLLED_BACK) {
                events.normal(reference(deployment), decision.reason(), decision.message());
            } else {
                events.warning(reference(deployment), decision.reason(), decision.message());
            }
            return Result.done(); // the update requeues us, to roll out the restored template
        }

        /**
         * Finds the new ReplicaSet (bringing its annotations and the deployment's revision up to
         * date) and the old ones; does not create one.
         */
        void resolveReplicaSets() {
            Optional<ReplicaSet> existing = TemplateMatch.findNew(deployment, owned);
            old = TemplateMatch.old(owned, existing.orElse(null));
            newRs = null;
            if (existing.isEmpty()) {
                return;
            }
            ReplicaSet rs = existing.get();
            ReplicaSet synced = NewReplicaSets.synced(deployment, rs, old);
            newRs = rs;
            if (synced != rs) {
                rs = writeReplicaSet(synced);
            }
            String revision = rs.getMetadata().getAnnotationsMap().getOrDefault(Revisions.REVISION, "");
            if (!revision.isEmpty()) {
                deployment = writeDeployment(Revisions.withRevision(deployment, revision));
            }
            if (DeploymentStatuses.hasProgressDeadline(deployment)
                    && DeploymentConditions.get(deployment.getStatus(), DeploymentConditions.PROGRESSING)
                            .isEmpty()) {
                deployment = writeStatus(
                        deployment,
                        DeploymentConditions.with(
                                deployment.getStatus(),
                                DeploymentConditions.of(
                                        DeploymentConditions.PROGRESSING,
                                        ConditionStatus.CONDITION_STATUS_TRUE,
                                        DeploymentConditions.FOUND_NEW_RS,
                                        "Found new replica set \""
                                                + rs.getMetadata().getName() + "\"",
                                        now)));
            }
        }

        /** The new ReplicaSet, created now if there is none yet. */
        ReplicaSet newReplicaSet() {
            ReplicaSet existing = newRs;
            if (existing != null) {
                return existing;
            }
            ReplicaSet created = createNewReplicaSet();
            newRs = created;
            owned.add(created);
            return created;
        }

        private ReplicaSet createNewReplicaSet() {
            ReplicaSet wanted = NewReplicaSets.build(deployment, old);
            String name = wanted.getMetadata().getName();
            ReplicaSet created;
            boolean alreadyExisted = false;
            String key = ObjectKey.of(deployment.getMetadata()).toString();
            // Expect first: the informer may see the ReplicaSet before create() returns.
            creations.expectCreations(key, 1);
            try {
                created = api.createReplicaSet(wanted);
            } catch (AlreadyExistsException e) {
                creations.creationObserved(key);
                // Our own earlier create not yet in the cache, or another template with the same hash.
                Optional<ReplicaSet> cached =
                        replicaSets.get(deployment.getMetadata().getNamespace(), name);
                if (cached.isEmpty()) {
                    throw e;
                }
                ReplicaSet rs = cached.get();
                if (ControllerRef.isControlledBy(
                                rs.getMetadata(), deployment.getMetadata().getUid())
                        && TemplateMatch.equalIgnoringHash(
                                rs.getSpec().getTemplate(), deployment.getSpec().getTemplate())) {
                    created = rs;
                    alreadyExisted = true;
                } else {
                    int collisions = deployment.getStatus().hasCollisionCount()
                            ? deployment.getStatus().getCollisionCount()
                            : 0;
                    writeStatus(
                            deployment,
                            deployment.getStatus().toBuilder()
                                    .setCollisionCount(collisions + 1)
                                    .build());
                    log.info("Hash collision for {}: collisionCount now {}", name, collisions + 1);
                    throw e;
                }
            } catch (ApiException e) {
                creations.creationObserved(key);
                String message = "Failed to create new replica set \"" + name + "\": " + e.getMessage();
                if (DeploymentStatuses.hasProgressDeadline(deployment)) {
                    try {
                        writeStatus(
                                deployment,
                                DeploymentConditions.with(
                                        deployment.getStatus(),
                                        DeploymentConditions.of(
                                                DeploymentConditions.PROGRESSING,
                                                ConditionStatus.CONDITION_STATUS_FALSE,
                                                DeploymentConditions.FAILED_RS_CREATE,
                                                message,
                                                now)));
                    } catch (ApiException statusFailure) {
                        log.debug("Could not report the failed create: {}", statusFailure.getMessage());
                    }
                }
                events.warning(reference(deployment), DeploymentConditions.FAILED_RS_CREATE, message);
                throw e;
            }
            int replicas = Replicas.of(created);
            if (!alreadyExisted && replicas > 0) {
                events.normal(
                        reference(deployment),
                        SCALING_REPLICA_SET,
                        "Scaled up replica set " + name + " to " + replicas);
            }
            deployment = writeDeployment(Revisions.withRevision(deployment, Long.toString(Revisions.max(old) + 1)));
            if (!alreadyExisted && DeploymentStatuses.hasProgressDeadline(deployment)) {
                deployment = writeStatus(
                        deployment,
                        DeploymentConditions.with(
                                deployment.getStatus(),
                                DeploymentConditions.of(
                                        DeploymentConditions.PROGRESSING,
                                        ConditionStatus.CONDITION_STATUS_TRUE,
                                        DeploymentConditions.NEW_REPLICA_SET,
                                        "Created new replica set \"" + name + "\"",
                                        now)));
            }
            return created;
        }

        /** Sets a ReplicaSet's size and replica annotations (Kubernetes' scaleReplicaSet). */
        void scale(ScaleChange change) {
            ReplicaSet rs = current(change.replicaSet());
            int replicas = Replicas.of(deployment);
            int max = replicas + Fenceposts.of(deployment).maxSurge();
            int from = Replicas.of(rs);
            boolean resize = from != change.replicas();
            if (!resize && !Revisions.replicasAnnotationsNeedUpdate(rs, replicas, max)) {
                return;
            }
            ReplicaSet wanted =
                    Revisions.withReplicasAnnotations(RollingUpdate.withReplicas(rs, change.replicas()), replicas, max);
            writeReplicaSet(wanted);
            if (resize) {
                String direction = change.replicas() > from ? "up" : "down";
                events.normal(
                        reference(deployment),
                        SCALING_REPLICA_SET,
                        "Scaled " + direction + " replica set "
                                + rs.getMetadata().getName() + " to " + change.replicas());
            }
        }

        void cleanUpHistory() {
            for (ReplicaSet rs : HistoryCleanup.toDelete(deployment, old)) {
                try {
                    api.deleteReplicaSet(rs);
                    log.debug(
                            "Deleted old replica set {} beyond the history limit",
                            rs.getMetadata().getName());
                } catch (NotFoundException e) {
                    // gone already
                }
            }
        }

        Result rolloutStatus() {
            DeploymentStatus status = DeploymentStatuses.rollout(all(), newRs, deployment, now);
            if (status.equals(deployment.getStatus())) {
                Optional<Duration> check = DeploymentStatuses.progressCheckAfter(deployment, status, now);
                return check.map(Result::requeueAfter).orElseGet(Result::done);
            }
            deployment = writeStatus(deployment, status);
            return Result.done();
        }

        Result writeStatusIfChanged(DeploymentStatus status) {
            if (!status.equals(deployment.getStatus())) {
                deployment = writeStatus(deployment, status);
            }
            return Result.done();
        }

        /** Writes a ReplicaSet and puts the written version in place of the one this pass held. */
        ReplicaSet writeReplicaSet(ReplicaSet wanted) {
            ReplicaSet before = current(wanted);
            ReplicaSet written = api.updateReplicaSet(wanted);
            pendingWrites.wrote(
                    rsKey(written),
                    before.getMetadata().getResourceVersion(),
                    written.getMetadata().getResourceVersion());
            replace(written);
            return written;
        }

        Deployment writeDeployment(Deployment wanted) {
            if (wanted.equals(deployment)) {
                return deployment;
            }
            Deployment written = api.updateDeployment(wanted);
            pendingWrites.wrote(
                    ObjectKey.of(written.getMetadata()).toString(),
                    deployment.getMetadata().getResourceVersion(),
                    written.getMetadata().getResourceVersion());
            return written;
        }

        /** The version of {@code rs} this pass holds now. */
        ReplicaSet current(ReplicaSet rs) {
            for (ReplicaSet held : owned) {
                if (held.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
                    return held;
                }
            }
            return rs;
        }

        void replace(ReplicaSet written) {
            String uid = written.getMetadata().getUid();
            owned.replaceAll(rs -> rs.getMetadata().getUid().equals(uid) ? written : rs);
            old = old.stream()
                    .map(rs -> rs.getMetadata().getUid().equals(uid) ? written : rs)
                    .toList();
            if (newRs != null && newRs.getMetadata().getUid().equals(uid)) {
                newRs = written;
            }
        }

        List<ReplicaSet> all() {
            return ReplicaCounts.all(newRs, old);
        }
    }

    private Deployment writeStatus(Deployment deployment, DeploymentStatus status) {
        Deployment written =
                api.updateStatus(deployment.toBuilder().setStatus(status).build());
        pendingWrites.wrote(
                ObjectKey.of(written.getMetadata()).toString(),
                deployment.getMetadata().getResourceVersion(),
                written.getMetadata().getResourceVersion());
        return written;
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

    /** The pods each ReplicaSet controls, by its uid, being deleted or not. */
    private Map<String, List<Pod>> podsByReplicaSet(List<ReplicaSet> owned) {
        Map<String, List<Pod>> byOwner = new HashMap<>();
        for (ReplicaSet rs : owned) {
            String uid = rs.getMetadata().getUid();
            List<Pod> controlled = pods.byIndex(Indexer.OWNER_UID, uid).stream()
                    .filter(pod -> ControllerRef.isControlledBy(pod.getMetadata(), uid))
                    .toList();
            byOwner.put(uid, controlled);
        }
        return byOwner;
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
                pendingWrites.forget(rsKey(rs));
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

    private static String rsKey(ReplicaSet rs) {
        return ObjectKey.of(rs.getMetadata()).toString();
    }

    private static ObjectReference reference(Deployment deployment) {
        return EventRecorder.reference(NewReplicaSets.API_VERSION, NewReplicaSets.KIND, deployment.getMetadata());
    }
}
