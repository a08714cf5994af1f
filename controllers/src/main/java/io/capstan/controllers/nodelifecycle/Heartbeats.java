package io.capstan.controllers.nodelifecycle;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * When this controller last saw each node show a sign of life, by its own clock: Kubernetes'
 * nodeHealthMap. A sign of life is a renewed Lease (a later spec.renewTime) or a new Ready
 * heartbeat (another lastHeartbeatTime). Times written by the kubelet are only compared with
 * earlier times written by the same kubelet, never with this controller's clock, so clock skew
 * between them does not matter.
 *
 * <p>A node first seen with a Ready condition or a Lease gets a fresh probe time ("now"), so a
 * restarted controller gives every node a whole grace period; one that has never posted a Ready
 * condition counts from its creation.
 *
 * <p>Thread-safe: each node's entry is updated atomically.
 */
final class Heartbeats {
    /** What was last seen of a node, and when by our clock it last changed. */
    private record Seen(
            @Nullable Timestamp readyHeartbeat, @Nullable Timestamp leaseRenewal, Instant probeTime) {}

    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();

    /**
     * Records what {@code node} and its {@code lease} (null if it has none) show at {@code now} and
     * returns the node's probe time: when it last showed a sign of life.
     */
    Instant observe(Node node, @Nullable Lease lease, Instant now) {
        Timestamp heartbeat =
                readyCondition(node).map(NodeCondition::getLastHeartbeatTime).orElse(null);
        Timestamp renewal = lease != null && lease.getSpec().hasRenewTime()
                ? lease.getSpec().getRenewTime()
                : null;
        Seen seen = nodes.compute(node.getMetadata().getName(), (name, before) -> {
            Instant probe;
            if (before == null) {
                probe = heartbeat == null ? Times.instant(node.getMetadata().getCreationTimestamp()) : now;
            } else if (heartbeat != null && !Objects.equals(heartbeat, before.readyHeartbeat())) {
                probe = now;
            } else {
                probe = before.probeTime();
            }
            if (renewal != null && (before == null || isAfter(renewal, before.leaseRenewal()))) {
                probe = now;
            }
            return new Seen(heartbeat, renewal, probe);
        });
        return seen.probeTime();
    }

    /** Drops what was seen of a node that is gone. */
    void forget(String nodeName) {
        nodes.remove(nodeName);
    }

    static Optional<NodeCondition> readyCondition(Node node) {
        return node.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(NodeHealth.READY))
                .findFirst();
    }

    private static boolean isAfter(Timestamp a, @Nullable Timestamp b) {
        return b == null || Times.instant(a).isAfter(Times.instant(b));
    }
}
