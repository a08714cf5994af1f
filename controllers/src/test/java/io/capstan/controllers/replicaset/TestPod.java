package io.capstan.controllers.replicaset;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Instant;

/** Builds pods for tests: {@code TestPod.named("a").createdAt(t).runningOn("n1").readySince(t).build()}. */
final class TestPod {
    private final Pod.Builder pod = Pod.newBuilder();

    private TestPod(String name) {
        pod.getMetadataBuilder().setNamespace("shop").setName(name).setUid("uid-" + name);
        pod.getStatusBuilder().setPhase(PodStatus.Phase.PHASE_PENDING);
    }

    static TestPod named(String name) {
        return new TestPod(name);
    }

    TestPod createdAt(Instant at) {
        pod.getMetadataBuilder().setCreationTimestamp(ProtoTimes.toTimestamp(at));
        return this;
    }

    TestPod uid(String uid) {
        pod.getMetadataBuilder().setUid(uid);
        return this;
    }

    TestPod label(String key, String value) {
        pod.getMetadataBuilder().putLabels(key, value);
        return this;
    }

    TestPod annotation(String key, String value) {
        pod.getMetadataBuilder().putAnnotations(key, value);
        return this;
    }

    TestPod on(String node) {
        pod.getSpecBuilder().setNodeName(node);
        return this;
    }

    TestPod phase(PodStatus.Phase phase) {
        pod.getStatusBuilder().setPhase(phase);
        return this;
    }

    TestPod running() {
        return phase(PodStatus.Phase.PHASE_RUNNING);
    }

    TestPod readySince(Instant since) {
        running();
        pod.getStatusBuilder()
                .addConditions(Condition.newBuilder()
                        .setType("Ready")
                        .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                        .setLastTransitionTime(ProtoTimes.toTimestamp(since)));
        return this;
    }

    TestPod restarts(int count) {
        pod.getStatusBuilder().addContainerStatuses(ContainerStatus.newBuilder().setRestartCount(count));
        return this;
    }

    TestPod deletedAt(Instant at) {
        pod.getMetadataBuilder().setDeletionTimestamp(ProtoTimes.toTimestamp(at));
        return this;
    }

    Pod build() {
        return pod.build();
    }
}
