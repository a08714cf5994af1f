package io.capstan.controllers.replicaset;

import io.capstan.client.events.ProtoTimes;
import io.capstan.controllers.common.Pods;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The status a ReplicaSet reports for the pods it owns, as Kubernetes' calculateStatus. */
final class ReplicaSetStatuses {
    static final String REPLICA_FAILURE = "ReplicaFailure";
    static final String FAILED_CREATE = "FailedCreate";
    static final String FAILED_DELETE = "FailedDelete";

    private ReplicaSetStatuses() {}

    /**
     * The status for {@code owned}, the active pods the ReplicaSet controls as listed before this
     * sync acted (creations and deletions it just asked for show in the next status).
     *
     * @param manageFailure why creating or deleting pods failed in this sync, or null if it did not:
     *     a ReplicaFailure condition is added when it first fails and removed once a sync succeeds
     */
    static ReplicaSetStatus calculate(ReplicaSet rs, List<Pod> owned, @Nullable String manageFailure, Instant now) {
        Map<String, String> templateLabels =
                rs.getSpec().getTemplate().getMetadata().getLabelsMap();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod pod : owned) {
            if (hasAll(pod.getMetadata().getLabelsMap(), templateLabels)) {
                fullyLabeled++;
            }
            if (Pods.isReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, rs.getSpec().getMinReadySeconds(), now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus.Builder status = rs.getStatus().toBuilder()
                .setReplicas(owned.size())
                .setFullyLabeledReplicas(fullyLabeled)
                .setReadyReplicas(ready)
                .setAvailableReplicas(available)
                .setObservedGeneration(rs.getMetadata().getGeneration());
        boolean hasFailure = failureCondition(rs.getStatus()).isPresent();
        if (manageFailure != null && !hasFailure) {
            int diff = owned.size() - Replicas.of(rs);
            String reason = diff < 0 ? FAILED_CREATE : diff > 0 ? FAILED_DELETE : "";
            status.addConditions(Condition.newBuilder()
                    .setType(REPLICA_FAILURE)
                    .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                    .setReason(reason)
                    .setMessage(manageFailure)
                    .setLastTransitionTime(ProtoTimes.wholeSeconds(now)));
        } else if (manageFailure == null && hasFailure) {
            status.clearConditions();
            for (Condition condition : rs.getStatus().getConditionsList()) {
                if (!condition.getType().equals(REPLICA_FAILURE)) {
                    status.addConditions(condition);
                }
            }
        }
        return status.build();
    }

    /**
     * When to look again so that a ready pod is counted available once it has been ready for
     * minReadySeconds: the earliest such moment after {@code now}, if any pod waits for one.
     */
    static Optional<Duration> nextAvailabilityCheck(ReplicaSet rs, List<Pod> owned, Instant now) {
        int minReadySeconds = rs.getSpec().getMinReadySeconds();
        Optional<Instant> earliest = Optional.empty();
        for (Pod pod : owned) {
            Optional<Instant> at = Pods.availableAt(pod, minReadySeconds, now);
            if (at.isPresent() && (earliest.isEmpty() || at.get().isBefore(earliest.get()))) {
                earliest = at;
            }
        }
        // Availability is "ready since strictly before now", so look a moment after the instant.
        return earliest.map(at -> Duration.between(now, at).plusMillis(1));
    }

    private static Optional<Condition> failureCondition(ReplicaSetStatus status) {
        return status.getConditionsList().stream()
                .filter(c -> c.getType().equals(REPLICA_FAILURE))
                .findFirst();
    }

    private static boolean hasAll(Map<String, String> labels, Map<String, String> wanted) {
        for (Map.Entry<String, String> entry : wanted.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
