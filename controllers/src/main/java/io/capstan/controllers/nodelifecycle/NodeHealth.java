package io.capstan.controllers.nodelifecycle;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether a node is still heard from, and the conditions to write when it is not: Kubernetes'
 * tryUpdateNodeHealth. Once the grace period has passed since the node's probe time (see {@link
 * Heartbeats}), Ready and the pressure conditions become Unknown, "NodeStatusUnknown" ("Kubelet
 * stopped posting node status."); those the kubelet never posted are added as Unknown,
 * "NodeStatusNeverUpdated". Heartbeat times stay as the kubelet wrote them.
 */
final class NodeHealth {
    static final String READY = "Ready";
    static final List<String> MONITORED_CONDITIONS = List.of(READY, "MemoryPressure", "DiskPressure", "PIDPressure");

    private NodeHealth() {}

    /**
     * What the controller makes of {@code node}.
     *
     * @param status the status to hold: the node's own, or with conditions set to Unknown
     * @param changed whether {@code status} differs from the node's and must be written
     * @param staleAt when the node's conditions go Unknown unless it shows a sign of life first
     */
    record Assessment(NodeStatus status, boolean changed, Instant staleAt) {
        /** The Ready condition's status in {@link #status}; UNSPECIFIED if it has none. */
        ConditionStatus ready() {
            return readyStatus(status);
        }
    }

    static Assessment assess(Node node, Instant probeTime, Instant now, NodeLifecycleConfig config) {
        boolean everReported = Heartbeats.readyCondition(node).isPresent();
        Instant staleAt = probeTime.plus(everReported ? config.gracePeriod() : config.startupGracePeriod());
        if (!now.isAfter(staleAt)) {
            return new Assessment(node.getStatus(), false, staleAt);
        }
        NodeStatus.Builder status = node.getStatus().toBuilder();
        for (String type : MONITORED_CONDITIONS) {
            Optional<Integer> index = indexOf(status, type);
            if (index.isEmpty()) {
                status.addConditions(NodeCondition.newBuilder()
                        .setType(type)
                        .setStatus(ConditionStatus.CONDITION_STATUS_UNKNOWN)
                        .setReason("NodeStatusNeverUpdated")
                        .setMessage("Kubelet never posted node status.")
                        .setLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                        .setLastTransitionTime(Times.timestamp(now)));
            } else if (status.getConditions(index.get()).getStatus() != ConditionStatus.CONDITION_STATUS_UNKNOWN) {
                status.setConditions(
                        index.get(),
                        status.getConditions(index.get()).toBuilder()
                                .setStatus(ConditionStatus.CONDITION_STATUS_UNKNOWN)
                                .setReason("NodeStatusUnknown")
                                .setMessage("Kubelet stopped posting node status.")
                                .setLastTransitionTime(Times.timestamp(now)));
            }
        }
        NodeStatus built = status.build();
        return new Assessment(built, !built.equals(node.getStatus()), staleAt);
    }

    static ConditionStatus readyStatus(NodeStatus status) {
        return status.getConditionsList().stream()
                .filter(c -> c.getType().equals(READY))
                .map(NodeCondition::getStatus)
                .findFirst()
                .orElse(ConditionStatus.CONDITION_STATUS_UNSPECIFIED);
    }

    private static Optional<Integer> indexOf(NodeStatus.Builder status, String type) {
        for (int i = 0; i < status.getConditionsCount(); i++) {
            if (status.getConditions(i).getType().equals(type)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
