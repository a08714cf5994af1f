package io.capstan.controllers.deployment;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.DeploymentStatus;
import java.time.Instant;
import java.util.Optional;

/** Condition types, reasons and the rules for setting them, as Kubernetes' deployment util. */
public final class DeploymentConditions {
    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String REPLICA_FAILURE = "ReplicaFailure";

    // Progressing reasons
    public static final String REPLICA_SET_UPDATED = "ReplicaSetUpdated";
    public static final String FAILED_RS_CREATE = "ReplicaSetCreateError";
    public static final String NEW_REPLICA_SET = "NewReplicaSetCreated";
    public static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    public static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    public static final String TIMED_OUT = "ProgressDeadlineExceeded";
    public static final String PAUSED = "DeploymentPaused";
    public static final String RESUMED = "DeploymentResumed";
    // Available reasons
    public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
    public static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";

    private DeploymentConditions() {}

    /** A condition written at {@code now} (update and transition time both). */
    static DeploymentCondition of(String type, ConditionStatus status, String reason, String message, Instant now) {
        return DeploymentCondition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastUpdateTime(ProtoTimes.wholeSeconds(now))
                .setLastTransitionTime(ProtoTimes.wholeSeconds(now))
                .build();
    }

    public static Optional<DeploymentCondition> get(DeploymentStatus status, String type) {
        for (DeploymentCondition condition : status.getConditionsList()) {
            if (condition.getType().equals(type)) {
                return Optional.of(condition);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code status} with {@code condition} in place of its type's: unchanged if status and reason
     * are the same already; the transition time kept if only reason or message change. The
     * condition goes last, as Kubernetes' SetDeploymentCondition.
     */
    static DeploymentStatus with(DeploymentStatus status, DeploymentCondition condition) {
        Optional<DeploymentCondition> current = get(status, condition.getType());
        if (current.isPresent()
                && current.get().getStatus() == condition.getStatus()
                && current.get().getReason().equals(condition.getReason())) {
            return status;
        }
        DeploymentCondition toSet = condition;
        if (current.isPresent() && current.get().getStatus() == condition.getStatus()) {
            toSet = condition.toBuilder()
                    .setLastTransitionTime(current.get().getLastTransitionTime())
                    .build();
        }
        return without(status, condition.getType()).toBuilder()
                .addConditions(toSet)
                .build();
    }

    static DeploymentStatus without(DeploymentStatus status, String type) {
        if (get(status, type).isEmpty()) {
            return status;
        }
        DeploymentStatus.Builder builder = status.toBuilder().clearConditions();
        for (DeploymentCondition condition : status.getConditionsList()) {
            if (!condition.getType().equals(type)) {
                builder.addConditions(condition);
            }
        }
        return builder.build();
    }

    /** A ReplicaSet's condition as a deployment's (update time = its transition time). */
    static DeploymentCondition fromReplicaSet(Condition condition) {
        return DeploymentCondition.newBuilder()
                .setType(condition.getType())
                .setStatus(condition.getStatus())
                .setReason(condition.getReason())
                .setMessage(condition.getMessage())
                .setLastUpdateTime(condition.getLastTransitionTime())
                .setLastTransitionTime(condition.getLastTransitionTime())
                .build();
    }
}
