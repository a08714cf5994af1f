package io.capstan.controllers.deployment;

import io.capstan.client.events.ProtoTimes;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A deployment's status from its ReplicaSets, and the Progressing condition's transitions, as
 * Kubernetes' calculateStatus and syncRolloutStatus.
 *
 * <pre>
 *   Progressing  True  NewReplicaSetCreated / FoundNewReplicaSet   a rollout starts
 *                True  ReplicaSetUpdated                           it made progress (update time moves)
 *                True  NewReplicaSetAvailable                      it completed
 *                False ProgressDeadlineExceeded                    no progress for progressDeadlineSeconds
 *                Unknown DeploymentPaused / DeploymentResumed      paused, resumed
 *   Available    True  MinimumReplicasAvailable     available >= spec.replicas - maxUnavailable
 *                False MinimumReplicasUnavailable   otherwise
 * </pre>
 */
final class DeploymentStatuses {
    private DeploymentStatuses() {}

    /** Counts, observedGeneration and the Available condition; other conditions carried over. */
    static DeploymentStatus calculate(
            List<ReplicaSet> all, @Nullable ReplicaSet newRs, Deployment deployment, Instant now) {
        int available = ReplicaCounts.available(all);
        int unavailable = Math.max(0, ReplicaCounts.desired(all) - available);
        DeploymentStatus.Builder builder = DeploymentStatus.newBuilder()
                .setObservedGeneration(deployment.getMetadata().getGeneration())
                .setReplicas(ReplicaCounts.actual(all))
                .setUpdatedReplicas(newRs == null ? 0 : newRs.getStatus().getReplicas())
                .setReadyReplicas(ReplicaCounts.ready(all))
                .setAvailableReplicas(available)
                .setUnavailableReplicas(unavailable)
                .addAllConditions(deployment.getStatus().getConditionsList());
        if (deployment.getStatus().hasCollisionCount()) {
            builder.setCollisionCount(deployment.getStatus().getCollisionCount());
        }
        DeploymentStatus status = builder.build();
        int minAvailable = Replicas.of(deployment) - Fenceposts.of(deployment).maxUnavailable();
        DeploymentCondition availability = available >= minAvailable
                ? DeploymentConditions.of(
                        DeploymentConditions.AVAILABLE,
                        ConditionStatus.CONDITION_STATUS_TRUE,
                        DeploymentConditions.MINIMUM_REPLICAS_AVAILABLE,
                        "Deployment has minimum availability.",
                        now)
                : DeploymentConditions.of(
                        DeploymentConditions.AVAILABLE,
                        ConditionStatus.CONDITION_STATUS_FALSE,
                        DeploymentConditions.MINIMUM_REPLICAS_UNAVAILABLE,
                        "Deployment does not have minimum availability.",
                        now);
        return DeploymentConditions.with(status, availability);
    }

    /**
     * The status after a rollout step: {@link #calculate} plus the Progressing condition (unless
     * the deployment has no deadline) and the ReplicaFailure condition carried up from a
     * ReplicaSet (the new one's first).
     */
    static DeploymentStatus rollout(
            List<ReplicaSet> all, @Nullable ReplicaSet newRs, Deployment deployment, Instant now) {
        DeploymentStatus status = calculate(all, newRs, deployment, now);
        if (!hasProgressDeadline(deployment)) {
            status = DeploymentConditions.without(status, DeploymentConditions.PROGRESSING);
        }
        Optional<DeploymentCondition> current =
                DeploymentConditions.get(deployment.getStatus(), DeploymentConditions.PROGRESSING);
        boolean completeBefore = status.getReplicas() == status.getUpdatedReplicas()
                && current.isPresent()
                && current.get().getReason().equals(DeploymentConditions.NEW_RS_AVAILABLE);
        if (hasProgressDeadline(deployment) && !completeBefore) {
            String subject = newRs == null
                    ? "Deployment \"" + deployment.getMetadata().getName() + "\""
                    : "ReplicaSet \"" + newRs.getMetadata().getName() + "\"";
            if (isComplete(deployment, status)) {
                status = DeploymentConditions.with(
                        status,
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING,
                                ConditionStatus.CONDITION_STATUS_TRUE,
                                DeploymentConditions.NEW_RS_AVAILABLE,
                                subject + " has successfully progressed.",
                                now));
            } else if (isProgressing(deployment, status)) {
                DeploymentCondition progressing = DeploymentConditions.of(
                        DeploymentConditions.PROGRESSING,
                        ConditionStatus.CONDITION_STATUS_TRUE,
                        DeploymentConditions.REPLICA_SET_UPDATED,
                        subject + " is progressing.",
                        now);
                // Progress moves the update time even when the reason stays the same; only a
                // change of status moves the transition time.
                if (current.isPresent()) {
                    if (current.get().getStatus() == ConditionStatus.CONDITION_STATUS_TRUE) {
                        progressing = progressing.toBuilder()
                                .setLastTransitionTime(current.get().getLastTransitionTime())
                                .build();
                    }
                    status = DeploymentConditions.without(status, DeploymentConditions.PROGRESSING);
                }
                status = DeploymentConditions.with(status, progressing);
            } else if (isTimedOut(deployment, status, now)) {
                status = DeploymentConditions.with(
                        status,
                        DeploymentConditions.of(
                                DeploymentConditions.PROGRESSING,
                                ConditionStatus.CONDITION_STATUS_FALSE,
                                DeploymentConditions.TIMED_OUT,
                                subject + " has timed out progressing.",
                                now));
            }
        }
        Optional<Condition> failure = replicaFailure(all, newRs);
        if (failure.isPresent()) {
            status = DeploymentConditions.with(status, DeploymentConditions.fromReplicaSet(failure.get()));
        } else {
            status = DeploymentConditions.without(status, DeploymentConditions.REPLICA_FAILURE);
        }
        return status;
    }

    /**
     * The status with a Progressing condition that records a pause or resume, if one is due: not
     * without a deadline, and never over a ProgressDeadlineExceeded.
     */
    static Optional<DeploymentStatus> pausedCondition(Deployment deployment, Instant now) {
        if (!hasProgressDeadline(deployment)) {
            return Optional.empty();
        }
        Optional<DeploymentCondition> current =
                DeploymentConditions.get(deployment.getStatus(), DeploymentConditions.PROGRESSING);
        if (current.isPresent() && current.get().getReason().equals(DeploymentConditions.TIMED_OUT)) {
            return Optional.empty();
        }
        boolean pausedRecorded =
                current.isPresent() && current.get().getReason().equals(DeploymentConditions.PAUSED);
        boolean paused = deployment.getSpec().getPaused();
        if (paused && !pausedRecorded) {
            return Optional.of(DeploymentConditions.with(
                    deployment.getStatus(),
                    DeploymentConditions.of(
                            DeploymentConditions.PROGRESSING,
                            ConditionStatus.CONDITION_STATUS_UNKNOWN,
                            DeploymentConditions.PAUSED,
                            "Deployment is paused",
                            now)));
        }
        if (!paused && pausedRecorded) {
            return Optional.of(DeploymentConditions.with(
                    deployment.getStatus(),
                    DeploymentConditions.of(
                            DeploymentConditions.PROGRESSING,
                            ConditionStatus.CONDITION_STATUS_UNKNOWN,
                            DeploymentConditions.RESUMED,
                            "Deployment is resumed",
                            now)));
        }
        return Optional.empty();
    }

    /**
     * When to look again to notice a deadline passing while a rollout makes no progress: a second
     * after the Progressing condition's update time plus the deadline (at least a second from
     * now). Empty when there is no deadline to watch.
     */
    static Optional<Duration> progressCheckAfter(Deployment deployment, DeploymentStatus status, Instant now) {
        Optional<DeploymentCondition> current =
                DeploymentConditions.get(deployment.getStatus(), DeploymentConditions.PROGRESSING);
        if (!hasProgressDeadline(deployment) || current.isEmpty()) {
            return Optional.empty();
        }
        if (isComplete(deployment, status) || current.get().getReason().equals(DeploymentConditions.TIMED_OUT)) {
            return Optional.empty();
        }
        Instant deadline = ProtoTimes.toInstant(current.get().getLastUpdateTime())
                .plusSeconds(deployment.getSpec().getProgressDeadlineSeconds());
        Duration after = Duration.between(now, deadline);
        if (after.compareTo(Duration.ofSeconds(1)) < 0) {
            return Optional.of(Duration.ofSeconds(1));
        }
        return Optional.of(after.plusSeconds(1));
    }

    /** All replicas updated, present and available, for the current generation. */
    static boolean isComplete(Deployment deployment, DeploymentStatus status) {
        int replicas = Replicas.of(deployment);
        return status.getUpdatedReplicas() == replicas
                && status.getReplicas() == replicas
                && status.getAvailableReplicas() == replicas
                && status.getObservedGeneration() >= deployment.getMetadata().getGeneration();
    }

    /** More updated, ready or available pods than the last status said, or fewer old ones. */
    static boolean isProgressing(Deployment deployment, DeploymentStatus status) {
        DeploymentStatus before = deployment.getStatus();
        int oldBefore = before.getReplicas() - before.getUpdatedReplicas();
        int oldNow = status.getReplicas() - status.getUpdatedReplicas();
        return status.getUpdatedReplicas() > before.getUpdatedReplicas()
                || oldNow < oldBefore
                || status.getReadyReplicas() > before.getReadyReplicas()
                || status.getAvailableReplicas() > before.getAvailableReplicas();
    }

    /** The Progressing condition has not moved for progressDeadlineSeconds (or already timed out). */
    static boolean isTimedOut(Deployment deployment, DeploymentStatus status, Instant now) {
        if (!hasProgressDeadline(deployment)) {
            return false;
        }
        Optional<DeploymentCondition> condition = DeploymentConditions.get(status, DeploymentConditions.PROGRESSING);
        if (condition.isEmpty()) {
            return false;
        }
        String reason = condition.get().getReason();
        if (reason.equals(DeploymentConditions.NEW_RS_AVAILABLE)) {
            return false;
        }
        if (reason.equals(DeploymentConditions.TIMED_OUT)) {
            return true;
        }
        Instant from = ProtoTimes.toInstant(condition.get().getLastUpdateTime());
        return from.plusSeconds(deployment.getSpec().getProgressDeadlineSeconds())
                .isBefore(now);
    }

    /** progressDeadlineSeconds is set and not the largest int32 (Kubernetes' "no deadline"). */
    static boolean hasProgressDeadline(Deployment deployment) {
        return deployment.getSpec().hasProgressDeadlineSeconds()
                && deployment.getSpec().getProgressDeadlineSeconds() != Integer.MAX_VALUE;
    }

    private static Optional<Condition> replicaFailure(List<ReplicaSet> all, @Nullable ReplicaSet newRs) {
        if (newRs != null) {
            Optional<Condition> failure = replicaFailure(newRs);
            if (failure.isPresent()) {
                return failure;
            }
        }
        for (ReplicaSet rs : all) {
            Optional<Condition> failure = replicaFailure(rs);
            if (failure.isPresent()) {
                return failure;
            }
        }
        return Optional.empty();
    }

    private static Optional<Condition> replicaFailure(ReplicaSet rs) {
        for (Condition condition : rs.getStatus().getConditionsList()) {
            if (condition.getType().equals(DeploymentConditions.REPLICA_FAILURE)) {
                return Optional.of(condition);
            }
        }
        return Optional.empty();
    }
}
