package io.capstan.controllers.deployment;

import io.capstan.client.AlreadyExistsException;
import io.capstan.client.ApiException;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Result;
import io.capstan.client.events.EventRecorder;
import io.capstan.client.informer.Indexer;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Expectations;
import io.capstan.controllers.common.PendingWrites;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the {@link DeploymentController} over one deployment whose ReplicaSets it has
 * claimed (Kubernetes' syncDeployment after the claim): report status only while it is being
 * deleted, record a pause or resume, scale only ({@link ProportionalScaling}), roll back ({@link
 * Rollback}), or roll out per strategy ({@link RollingUpdate} or {@link Recreate}), creating the new
 * ReplicaSet, deleting history beyond revisionHistoryLimit and reporting status. Holds the
 * deployment and its ReplicaSets as they are after each write of the pass, so later steps see what
 * earlier ones did; each write is recorded in the controller's {@link PendingWrites}.
 *
 * <p>Used once, by one worker; not thread-safe.
 */
final class DeploymentSync {
    private static final Logger log = LoggerFactory.getLogger(DeploymentSync.class);
    static final String SCALING_REPLICA_SET = "ScalingReplicaSet";

    private final DeploymentApi api;
    private final EventRecorder events;
    private final PendingWrites pendingWrites;
    // ReplicaSets created but not yet in the cache, per deployment key; shared with the controller
    private final Expectations creations;
    private final Indexer<ReplicaSet> replicaSets;
    private final Indexer<Pod> pods;
    private final Instant now;

    private Deployment deployment;
    private final List<ReplicaSet> owned;

    @Nullable
    private ReplicaSet newRs;

    private List<ReplicaSet> old = List.of();

    /**
     * @param pendingWrites where this pass records its writes, shared with the controller
     * @param creations the controller's expected ReplicaSet creations, by deployment key
     * @param replicaSets the cached ReplicaSets, read when a create finds its name taken
     * @param pods the cached pods, read by a Recreate rollout
     * @param owned the ReplicaSets the deployment controls, as claimed for this pass
     */
    DeploymentSync(
            DeploymentApi api,
            EventRecorder events,
            PendingWrites pendingWrites,
            Expectations creations,
            Indexer<ReplicaSet> replicaSets,
            Indexer<Pod> pods,
            Deployment deployment,
            List<ReplicaSet> owned,
            Instant now) {
        this.api = api;
        this.events = events;
        this.pendingWrites = pendingWrites;
        this.creations = creations;
        this.replicaSets = replicaSets;
        this.pods = pods;
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
    private Result scaleOnly() {
        for (ScaleChange change : ProportionalScaling.plan(deployment, newRs, old)) {
            scale(change);
        }
        if (deployment.getSpec().getPaused() && Rollback.requested(deployment).isEmpty()) {
            cleanUpHistory();
        }
        return writeStatusIfChanged(DeploymentStatuses.calculate(all(), newRs, deployment, now));
    }

    private Result rollingUpdate() {
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

    private Result recreate() {
        Map<String, List<Pod>> podsByOwner = podsByReplicaSet(owned);
        Recreate.Step step = Recreate.next(deployment, newRs, old, Recreate.oldPodsRunning(newRs, old, podsByOwner));
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

    private Result rollback(long revision) {
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
    private void resolveReplicaSets() {
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
            markProgressing(
                    DeploymentConditions.FOUND_NEW_RS,
                    "Found new replica set \"" + rs.getMetadata().getName() + "\"");
        }
    }

    /** Writes the Progressing condition True with {@code reason}, as a new ReplicaSet is found or created. */
    private void markProgressing(String reason, String message) {
        deployment = writeStatus(
                deployment,
                DeploymentConditions.with(
                        deployment.getStatus(),
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING,
                                ConditionStatus.CONDITION_STATUS_TRUE,
                                reason,
                                message,
                                now)));
    }

    /** The new ReplicaSet, created now if there is none yet. */
    private ReplicaSet newReplicaSet() {
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
                    reference(deployment), SCALING_REPLICA_SET, "Scaled up replica set " + name + " to " + replicas);
        }
        deployment = writeDeployment(Revisions.withRevision(deployment, Long.toString(Revisions.max(old) + 1)));
        if (!alreadyExisted && DeploymentStatuses.hasProgressDeadline(deployment)) {
            markProgressing(DeploymentConditions.NEW_REPLICA_SET, "Created new replica set \"" + name + "\"");
        }
        return created;
    }

    /** Sets a ReplicaSet's size and replica annotations (Kubernetes' scaleReplicaSet). */
    private void scale(ScaleChange change) {
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
                    "Scaled " + direction + " replica set " + rs.getMetadata().getName() + " to " + change.replicas());
        }
    }

    private void cleanUpHistory() {
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

    private Result rolloutStatus() {
        DeploymentStatus status = DeploymentStatuses.rollout(all(), newRs, deployment, now);
        if (status.equals(deployment.getStatus())) {
            Optional<Duration> check = DeploymentStatuses.progressCheckAfter(deployment, status, now);
            return check.map(Result::requeueAfter).orElseGet(Result::done);
        }
        deployment = writeStatus(deployment, status);
        return Result.done();
    }

    private Result writeStatusIfChanged(DeploymentStatus status) {
        if (!status.equals(deployment.getStatus())) {
            deployment = writeStatus(deployment, status);
        }
        return Result.done();
    }

    /** Writes a ReplicaSet and puts the written version in place of the one this pass held. */
    private ReplicaSet writeReplicaSet(ReplicaSet wanted) {
        ReplicaSet before = current(wanted);
        ReplicaSet written = api.updateReplicaSet(wanted);
        pendingWrites.wrote(
                rsKey(written),
                before.getMetadata().getResourceVersion(),
                written.getMetadata().getResourceVersion());
        replace(written);
        return written;
    }

    private Deployment writeDeployment(Deployment wanted) {
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
    private ReplicaSet current(ReplicaSet rs) {
        for (ReplicaSet held : owned) {
            if (held.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
                return held;
            }
        }
        return rs;
    }

    private void replace(ReplicaSet written) {
        String uid = written.getMetadata().getUid();
        owned.replaceAll(rs -> rs.getMetadata().getUid().equals(uid) ? written : rs);
        old = old.stream()
                .map(rs -> rs.getMetadata().getUid().equals(uid) ? written : rs)
                .toList();
        if (newRs != null && newRs.getMetadata().getUid().equals(uid)) {
            newRs = written;
        }
    }

    private List<ReplicaSet> all() {
        return ReplicaCounts.all(newRs, old);
    }

    private Deployment writeStatus(Deployment deployment, DeploymentStatus status) {
        return writeStatus(api, pendingWrites, deployment, status);
    }

    /** Writes {@code deployment}'s status and records the write in {@code pendingWrites}. */
    static Deployment writeStatus(
            DeploymentApi api, PendingWrites pendingWrites, Deployment deployment, DeploymentStatus status) {
        Deployment written =
                api.updateStatus(deployment.toBuilder().setStatus(status).build());
        pendingWrites.wrote(
                ObjectKey.of(written.getMetadata()).toString(),
                deployment.getMetadata().getResourceVersion(),
                written.getMetadata().getResourceVersion());
        return written;
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

    /** The key {@link PendingWrites} records a ReplicaSet's writes under. */
    static String rsKey(ReplicaSet rs) {
        return ObjectKey.of(rs.getMetadata()).toString();
    }

    /** The deployment as the subject of an event. */
    static ObjectReference reference(Deployment deployment) {
        return EventRecorder.reference(NewReplicaSets.API_VERSION, NewReplicaSets.KIND, deployment.getMetadata());
    }
}
