package io.capstan.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSetStatusesTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private static ReplicaSet rs(int replicas, int minReadySeconds) {
        ReplicaSet.Builder rs = ReplicaSet.newBuilder();
        rs.getMetadataBuilder().setNamespace("shop").setName("web").setGeneration(4);
        rs.getSpecBuilder().setReplicas(replicas).setMinReadySeconds(minReadySeconds);
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getMetadataBuilder()
                .putLabels("app", "web")
                .putLabels("tier", "front");
        return rs.build();
    }

    @Test
    void countsReplicasLabelsReadinessAndAvailability() {
        List<Pod> pods = List.of(
                TestPod.named("a")
                        .label("app", "web")
                        .label("tier", "front")
                        .readySince(NOW.minusSeconds(60))
                        .build(),
                TestPod.named("b")
                        .label("app", "web")
                        .readySince(NOW.minusSeconds(5))
                        .build(),
                TestPod.named("c")
                        .label("app", "web")
                        .label("tier", "front")
                        .running()
                        .build());
        ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs(3, 10), pods, null, NOW);
        assertThat(status.getReplicas()).isEqualTo(3);
        assertThat(status.getFullyLabeledReplicas()).isEqualTo(2);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getAvailableReplicas()).isEqualTo(1);
        assertThat(status.getObservedGeneration()).isEqualTo(4);
        assertThat(status.getConditionsList()).isEmpty();
    }

    @Test
    void failureToCreateAddsReplicaFailureOnceAndSuccessRemovesIt() {
        Instant earlier = NOW.minusSeconds(30);
        ReplicaSetStatus failed = ReplicaSetStatuses.calculate(rs(3, 0), List.of(), "quota exceeded", earlier);
        assertThat(failed.getConditionsList()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("ReplicaFailure");
            assertThat(c.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            assertThat(c.getMessage()).isEqualTo("quota exceeded");
        });
        ReplicaSet withFailure = rs(3, 0).toBuilder().setStatus(failed).build();
        // failing again keeps the first condition and its time
        ReplicaSetStatus again = ReplicaSetStatuses.calculate(withFailure, List.of(), "quota still exceeded", NOW);
        assertThat(again.getConditionsList()).containsExactlyElementsOf(failed.getConditionsList());
        ReplicaSetStatus recovered = ReplicaSetStatuses.calculate(withFailure, List.of(), null, NOW);
        assertThat(recovered.getConditionsList()).isEmpty();
    }

    @Test
    void failureToDeleteSaysFailedDelete() {
        List<Pod> pods = List.of(TestPod.named("a").build(), TestPod.named("b").build());
        ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs(1, 0), pods, "forbidden", NOW);
        assertThat(status.getConditions(0).getReason()).isEqualTo("FailedDelete");
    }

    @Test
    void otherConditionsSurviveRemovalOfReplicaFailure() {
        Condition other = Condition.newBuilder()
                .setType("Custom")
                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                .setLastTransitionTime(ProtoTimes.toTimestamp(NOW))
                .build();
        Condition failure = Condition.newBuilder()
                .setType("ReplicaFailure")
                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                .build();
        ReplicaSet rs = rs(0, 0).toBuilder()
                .setStatus(ReplicaSetStatus.newBuilder().addConditions(other).addConditions(failure))
                .build();
        assertThat(ReplicaSetStatuses.calculate(rs, List.of(), null, NOW).getConditionsList())
                .containsExactly(other);
    }

    @Test
    void nextAvailabilityCheckIsWhenTheFirstReadyPodTurnsAvailable() {
        List<Pod> pods = List.of(
                TestPod.named("a").readySince(NOW.minusSeconds(2)).build(),
                TestPod.named("b").readySince(NOW.minusSeconds(8)).build(),
                TestPod.named("c").readySince(NOW.minusSeconds(60)).build(),
                TestPod.named("d").running().build());
        assertThat(ReplicaSetStatuses.nextAvailabilityCheck(rs(4, 10), pods, NOW))
                .contains(Duration.ofSeconds(2).plusMillis(1));
        assertThat(ReplicaSetStatuses.nextAvailabilityCheck(rs(4, 0), pods, NOW))
                .isEmpty();
        assertThat(ReplicaSetStatuses.nextAvailabilityCheck(rs(4, 1), pods, NOW))
                .isEmpty();
    }
}
