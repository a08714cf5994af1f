package io.capstan.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PodsTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private static Pod pod(PodStatus.Phase phase) {
        return Pod.newBuilder()
                .setStatus(PodStatus.newBuilder().setPhase(phase))
                .build();
    }

    private static Pod readySince(Instant since) {
        return Pod.newBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase(PodStatus.Phase.PHASE_RUNNING)
                        .addConditions(Condition.newBuilder()
                                .setType("Ready")
                                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                .setLastTransitionTime(ProtoTimes.toTimestamp(since))))
                .build();
    }

    @Test
    void finishedOrDeletedPodsAreNotActive() {
        assertThat(Pods.isActive(pod(PodStatus.Phase.PHASE_PENDING))).isTrue();
        assertThat(Pods.isActive(pod(PodStatus.Phase.PHASE_RUNNING))).isTrue();
        assertThat(Pods.isActive(pod(PodStatus.Phase.PHASE_UNKNOWN))).isTrue();
        assertThat(Pods.isActive(pod(PodStatus.Phase.PHASE_SUCCEEDED))).isFalse();
        assertThat(Pods.isActive(pod(PodStatus.Phase.PHASE_FAILED))).isFalse();
        Pod deleting = pod(PodStatus.Phase.PHASE_RUNNING).toBuilder()
                .setMetadata(io.capstan.proto.api.v1.ObjectMeta.newBuilder()
                        .setDeletionTimestamp(ProtoTimes.toTimestamp(NOW)))
                .build();
        assertThat(Pods.isActive(deleting)).isFalse();
        assertThat(Pods.isBeingDeleted(deleting)).isTrue();
    }

    @Test
    void readyMeansReadyConditionTrue() {
        assertThat(Pods.isReady(pod(PodStatus.Phase.PHASE_RUNNING))).isFalse();
        assertThat(Pods.isReady(readySince(NOW))).isTrue();
        Pod notReady = Pod.newBuilder()
                .setStatus(PodStatus.newBuilder()
                        .addConditions(Condition.newBuilder()
                                .setType("Ready")
                                .setStatus(ConditionStatus.CONDITION_STATUS_FALSE)
                                .setLastTransitionTime(ProtoTimes.toTimestamp(NOW))))
                .build();
        assertThat(Pods.isReady(notReady)).isFalse();
        assertThat(Pods.readySince(notReady)).isEmpty();
        assertThat(Pods.readySince(readySince(NOW))).contains(NOW);
    }

    @Test
    void availableOnceReadyForLongerThanMinReadySeconds() {
        Pod pod = readySince(NOW.minusSeconds(10));
        assertThat(Pods.isAvailable(pod, 0, NOW)).isTrue();
        assertThat(Pods.isAvailable(pod, 9, NOW)).isTrue();
        // ready exactly minReadySeconds ago is not yet available: Kubernetes compares strictly
        assertThat(Pods.isAvailable(pod, 10, NOW)).isFalse();
        assertThat(Pods.isAvailable(pod, 10, NOW.plusMillis(1))).isTrue();
        assertThat(Pods.isAvailable(pod, 30, NOW)).isFalse();
        assertThat(Pods.availableAt(pod, 30, NOW)).contains(NOW.plusSeconds(20));
        assertThat(Pods.availableAt(pod, 5, NOW)).isEmpty();
    }

    @Test
    void readyPodWithoutTransitionTimeIsAvailableOnlyWithoutMinReadySeconds() {
        Pod pod = Pod.newBuilder()
                .setStatus(PodStatus.newBuilder()
                        .addConditions(Condition.newBuilder()
                                .setType("Ready")
                                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)))
                .build();
        assertThat(Pods.isAvailable(pod, 0, NOW)).isTrue();
        assertThat(Pods.isAvailable(pod, 1, NOW)).isFalse();
    }

    @Test
    void maxContainerRestartsCoversInitContainers() {
        Pod pod = Pod.newBuilder()
                .setStatus(PodStatus.newBuilder()
                        .addInitContainerStatuses(ContainerStatus.newBuilder().setRestartCount(7))
                        .addContainerStatuses(ContainerStatus.newBuilder().setRestartCount(2))
                        .addContainerStatuses(ContainerStatus.newBuilder().setRestartCount(5)))
                .build();
        assertThat(Pods.maxContainerRestarts(pod)).isEqualTo(7);
        assertThat(Pods.maxContainerRestarts(Pod.getDefaultInstance())).isZero();
    }
}
