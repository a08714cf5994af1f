package io.capstan.controllers.nodelifecycle;

import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Pods on a node that is not ready are not ready either: Kubernetes' MarkPodsNotReady. Their
 * kubelet cannot say otherwise, and services must stop sending them traffic.
 */
final class PodReadiness {
    static final String READY = "Ready";

    private PodReadiness() {}

    /** The status with the Ready condition False, if the pod has one that is not False yet. */
    static Optional<PodStatus> markedNotReady(Pod pod, Instant now) {
        PodStatus status = pod.getStatus();
        for (int i = 0; i < status.getConditionsCount(); i++) {
            Condition condition = status.getConditions(i);
            if (condition.getType().equals(READY) && condition.getStatus() != ConditionStatus.CONDITION_STATUS_FALSE) {
                return Optional.of(status.toBuilder()
                        .setConditions(
                                i,
                                condition.toBuilder()
                                        .setStatus(ConditionStatus.CONDITION_STATUS_FALSE)
                                        .setReason("NodeNotReady")
                                        .setMessage("Node is not ready")
                                        .setLastTransitionTime(Times.timestamp(now)))
                        .build());
            }
        }
        return Optional.empty();
    }
}
