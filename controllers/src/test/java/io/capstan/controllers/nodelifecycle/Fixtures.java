package io.capstan.controllers.nodelifecycle;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.time.Instant;

/** Small objects for the node lifecycle tests. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");

    private Fixtures() {}

    static Timestamp ts(Instant instant) {
        return Times.timestamp(instant);
    }

    static Node node(String name, ConditionStatus ready, Instant heartbeat) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setCreationTimestamp(ts(T0.minusSeconds(600))))
                .setStatus(NodeStatus.newBuilder()
                        .addConditions(NodeCondition.newBuilder()
                                .setType("Ready")
                                .setStatus(ready)
                                .setReason("KubeletReady")
                                .setLastHeartbeatTime(ts(heartbeat))
                                .setLastTransitionTime(ts(T0.minusSeconds(600))))
                        .addConditions(NodeCondition.newBuilder()
                                .setType("MemoryPressure")
                                .setStatus(ConditionStatus.CONDITION_STATUS_FALSE)
                                .setLastHeartbeatTime(ts(heartbeat))))
                .build();
    }

    static Node unreported(String name, Instant created) {
        return Node.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name).setCreationTimestamp(ts(created)))
                .build();
    }

    static Lease lease(String name, Instant renewed) {
        return Lease.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setNamespace("kube-node-lease").setName(name))
                .setSpec(LeaseSpec.newBuilder().setHolderIdentity(name).setRenewTime(ts(renewed)))
                .build();
    }

    static Taint taint(String key, TaintEffect effect, Instant added) {
        return Taint.newBuilder()
                .setKey(key)
                .setEffect(effect)
                .setTimeAdded(ts(added))
                .build();
    }

    static Pod pod(String name, Toleration... tolerations) {
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("default")
                        .setName(name)
                        .setUid("uid-" + name))
                .setSpec(PodSpec.newBuilder().setNodeName("n1").addAllTolerations(java.util.List.of(tolerations)))
                .setStatus(PodStatus.newBuilder()
                        .setPhase(PodStatus.Phase.PHASE_RUNNING)
                        .addConditions(Condition.newBuilder()
                                .setType("Ready")
                                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)))
                .build();
    }

    static Pod terminating(Pod pod, Instant graceEnds) {
        return pod.toBuilder()
                .setMetadata(pod.getMetadata().toBuilder()
                        .setDeletionTimestamp(ts(graceEnds))
                        .setDeletionGracePeriodSeconds(30))
                .build();
    }

    static Toleration toleration(String key, TaintEffect effect, Long seconds) {
        Toleration.Builder toleration = Toleration.newBuilder()
                .setKey(key)
                .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                .setEffect(effect);
        if (seconds != null) {
            toleration.setTolerationSeconds(seconds);
        }
        return toleration.build();
    }
}
