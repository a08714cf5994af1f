package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentStatusesTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private static DeploymentCondition progressing(
            ConditionStatus status, String reason, Instant updated, Instant transitioned) {
        return DeploymentCondition.newBuilder()
                .setType(DeploymentConditions.PROGRESSING)
                .setStatus(status)
                .setReason(reason)
                .setLastUpdateTime(ProtoTimes.toTimestamp(updated))
                .setLastTransitionTime(ProtoTimes.toTimestamp(transitioned))
                .build();
    }

    private static DeploymentCondition progressingOf(DeploymentStatus status) {
        return DeploymentConditions.get(status, DeploymentConditions.PROGRESSING)
                .orElseThrow();
    }

    @Test
    void countsComeFromTheReplicaSets() {
        Deployment deployment =
                TestDeployment.named("web").replicas(10).generation(7).build();
        ReplicaSet old =
                TestRs.named("web-1").spec(8).statusReplicas(9).available(8).build();
        ReplicaSet fresh = TestRs.named("web-2").replicas(5).available(1).build();
        DeploymentStatus status = DeploymentStatuses.calculate(List.of(old, fresh), fresh, deployment, NOW);
        assertThat(status.getObservedGeneration()).isEqualTo(7);
        assertThat(status.getReplicas()).isEqualTo(14);
        assertThat(status.getUpdatedReplicas()).isEqualTo(5);
        assertThat(status.getReadyReplicas()).isEqualTo(9);
        assertThat(status.getAvailableReplicas()).isEqualTo(9);
        // desired 13 - available 9
        assertThat(status.getUnavailableReplicas()).isEqualTo(4);
        assertThat(status.hasCollisionCount()).isFalse();
    }

    @Test
    void unavailableIsNeverNegative() {
        Deployment deployment = TestDeployment.named("web").replicas(2).build();
        ReplicaSet rs =
                TestRs.named("web-1").spec(2).statusReplicas(5).available(5).build();
        assertThat(DeploymentStatuses.calculate(List.of(rs), rs, deployment, NOW)
                        .getUnavailableReplicas())
                .isZero();
    }

    @Test
    void availableConditionFollowsMinimumAvailability() {
        Deployment deployment = TestDeployment.named("web").replicas(10).build();
        ReplicaSet eight = TestRs.named("web-1").replicas(10).available(8).build();
        DeploymentCondition available = DeploymentConditions.get(
                        DeploymentStatuses.calculate(List.of(eight), eight, deployment, NOW),
                        DeploymentConditions.AVAILABLE)
                .orElseThrow();
        assertThat(available.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(available.getReason()).isEqualTo("MinimumReplicasAvailable");

        ReplicaSet seven = TestRs.named("web-1").replicas(10).available(7).build();
        DeploymentCondition unavailable = DeploymentConditions.get(
                        DeploymentStatuses.calculate(List.of(seven), seven, deployment, NOW),
                        DeploymentConditions.AVAILABLE)
                .orElseThrow();
        assertThat(unavailable.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
        assertThat(unavailable.getReason()).isEqualTo("MinimumReplicasUnavailable");
        assertThat(unavailable.getLastTransitionTime()).isEqualTo(ProtoTimes.wholeSeconds(NOW));
    }

    @Test
    void unchangedConditionKeepsItsTimes() {
        Deployment deployment = TestDeployment.named("web").replicas(1).build();
        ReplicaSet rs = TestRs.named("web-1").replicas(1).available(1).build();
        DeploymentStatus first = DeploymentStatuses.calculate(List.of(rs), rs, deployment, NOW.minusSeconds(60));
        Deployment reported = deployment.toBuilder().setStatus(first).build();
        DeploymentStatus second = DeploymentStatuses.calculate(List.of(rs), rs, reported, NOW);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void progressMovesTheUpdateTimeButNotTheTransitionTime() {
        Instant started = NOW.minusSeconds(100);
        Deployment deployment = TestDeployment.named("web")
                .replicas(10)
                .status(DeploymentStatus.newBuilder()
                        .setReplicas(10)
                        .setUpdatedReplicas(0)
                        .addConditions(progressing(
                                ConditionStatus.CONDITION_STATUS_TRUE, "NewReplicaSetCreated", started, started))
                        .build())
                .build();
        ReplicaSet old = TestRs.named("web-1").replicas(10).available(10).build();
        ReplicaSet fresh = TestRs.named("web-2").replicas(3).build();
        DeploymentStatus status = DeploymentStatuses.rollout(List.of(old, fresh), fresh, deployment, NOW);
        DeploymentCondition condition = progressingOf(status);
        assertThat(condition.getReason()).isEqualTo("ReplicaSetUpdated");
        assertThat(condition.getMessage()).isEqualTo("ReplicaSet \"web-2\" is progressing.");
        assertThat(condition.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(condition.getLastUpdateTime()).isEqualTo(ProtoTimes.wholeSeconds(NOW));
        assertThat(condition.getLastTransitionTime()).isEqualTo(ProtoTimes.toTimestamp(started));
    }

    @Test
    void completedRolloutSaysNewReplicaSetAvailableAndStaysSo() {
        Deployment deployment = TestDeployment.named("web")
                .replicas(3)
                .status(DeploymentStatus.newBuilder()
                        .setReplicas(3)
                        .setUpdatedReplicas(3)
                        .setAvailableReplicas(2)
                        .addConditions(progressing(
                                ConditionStatus.CONDITION_STATUS_TRUE,
                                "ReplicaSetUpdated",
                                NOW.minusSeconds(5),
                                NOW.minusSeconds(50)))
                        .build())
                .build();
        ReplicaSet rs = TestRs.named("web-2").replicas(3).available(3).build();
        DeploymentStatus done = DeploymentStatuses.rollout(List.of(rs), rs, deployment, NOW);
        assertThat(progressingOf(done).getReason()).isEqualTo("NewReplicaSetAvailable");
        assertThat(progressingOf(done).getMessage()).isEqualTo("ReplicaSet \"web-2\" has successfully progressed.");
        assertThat(DeploymentStatuses.isComplete(deployment, done)).isTrue();

        Deployment later = deployment.toBuilder().setStatus(done).build();
        assertThat(DeploymentStatuses.rollout(List.of(rs), rs, later, NOW.plusSeconds(3600)))
                .isEqualTo(done);
        assertThat(DeploymentStatuses.progressCheckAfter(later, done, NOW)).isEmpty();
    }

    @Test
    void noProgressPastTheDeadlineTimesOut() {
        Instant updated = NOW.minusSeconds(30);
        Deployment deployment = TestDeployment.named("web")
                .replicas(3)
                .progressDeadline(30)
                .status(DeploymentStatus.newBuilder()
                        .setReplicas(3)
                        .setUpdatedReplicas(3)
                        .addConditions(progressing(
                                ConditionStatus.CONDITION_STATUS_TRUE, "ReplicaSetUpdated", updated, updated))
                        .build())
                .build();
        ReplicaSet stuck = TestRs.named("web-2").replicas(3).available(0).build();

        // exactly at the deadline: not yet
        DeploymentStatus atDeadline = DeploymentStatuses.rollout(List.of(stuck), stuck, deployment, NOW);
        assertThat(progressingOf(atDeadline).getReason()).isEqualTo("ReplicaSetUpdated");
        assertThat(DeploymentStatuses.progressCheckAfter(deployment, atDeadline, NOW))
                .contains(Duration.ofSeconds(1));
        assertThat(DeploymentStatuses.progressCheckAfter(deployment, atDeadline, NOW.minusSeconds(10)))
                .contains(Duration.ofSeconds(11));

        DeploymentStatus late = DeploymentStatuses.rollout(List.of(stuck), stuck, deployment, NOW.plusSeconds(1));
        DeploymentCondition timedOut = progressingOf(late);
        assertThat(timedOut.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
        assertThat(timedOut.getReason()).isEqualTo("ProgressDeadlineExceeded");
        assertThat(timedOut.getMessage()).isEqualTo("ReplicaSet \"web-2\" has timed out progressing.");

        // once timed out, it stays so until progress is made
        Deployment reported = deployment.toBuilder().setStatus(late).build();
        assertThat(progressingOf(DeploymentStatuses.rollout(List.of(stuck), stuck, reported, NOW.plusSeconds(99))))
                .isEqualTo(timedOut);
        assertThat(DeploymentStatuses.progressCheckAfter(reported, late, NOW)).isEmpty();
        ReplicaSet moving = TestRs.named("web-2").replicas(3).available(1).build();
        DeploymentCondition again =
                progressingOf(DeploymentStatuses.rollout(List.of(moving), moving, reported, NOW.plusSeconds(99)));
        assertThat(again.getReason()).isEqualTo("ReplicaSetUpdated");
        assertThat(again.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(again.getLastTransitionTime()).isEqualTo(ProtoTimes.wholeSeconds(NOW.plusSeconds(99)));
    }

    @Test
    void withoutADeadlineThereIsNoProgressingCondition() {
        Deployment deployment = TestDeployment.named("web")
                .replicas(1)
                .noProgressDeadline()
                .status(DeploymentStatus.newBuilder()
                        .addConditions(
                                progressing(ConditionStatus.CONDITION_STATUS_TRUE, "ReplicaSetUpdated", NOW, NOW))
                        .build())
                .build();
        ReplicaSet rs = TestRs.named("web-2").replicas(1).build();
        DeploymentStatus status = DeploymentStatuses.rollout(List.of(rs), rs, deployment, NOW);
        assertThat(DeploymentConditions.get(status, DeploymentConditions.PROGRESSING))
                .isEmpty();
        assertThat(DeploymentStatuses.pausedCondition(
                        deployment.toBuilder()
                                .setSpec(deployment.getSpec().toBuilder().setPaused(true))
                                .build(),
                        NOW))
                .isEmpty();
    }

    @Test
    void replicaFailureOfTheNewReplicaSetComesFirstAndGoesWhenFixed() {
        Deployment deployment = TestDeployment.named("web").replicas(2).build();
        Condition quota = Condition.newBuilder()
                .setType("ReplicaFailure")
                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                .setReason("FailedCreate")
                .setMessage("quota")
                .setLastTransitionTime(ProtoTimes.toTimestamp(NOW))
                .build();
        Condition forbidden = quota.toBuilder().setMessage("forbidden").build();
        ReplicaSet old = TestRs.named("web-1").build().toBuilder()
                .setStatus(ReplicaSetStatus.newBuilder().addConditions(forbidden))
                .build();
        ReplicaSet fresh = TestRs.named("web-2").spec(2).build().toBuilder()
                .setStatus(ReplicaSetStatus.newBuilder().addConditions(quota))
                .build();
        DeploymentStatus failing = DeploymentStatuses.rollout(List.of(old, fresh), fresh, deployment, NOW);
        DeploymentCondition failure =
                DeploymentConditions.get(failing, "ReplicaFailure").orElseThrow();
        assertThat(failure.getMessage()).isEqualTo("quota");
        assertThat(failure.getReason()).isEqualTo("FailedCreate");

        ReplicaSet healthy = TestRs.named("web-2").spec(2).build();
        Deployment reported = deployment.toBuilder().setStatus(failing).build();
        assertThat(DeploymentConditions.get(
                        DeploymentStatuses.rollout(List.of(healthy), healthy, reported, NOW), "ReplicaFailure"))
                .isEmpty();
    }

    @Test
    void pauseAndResumeAreRecordedAsUnknownProgress() {
        Deployment paused = TestDeployment.named("web").paused().build();
        DeploymentStatus pausedStatus =
                DeploymentStatuses.pausedCondition(paused, NOW).orElseThrow();
        assertThat(progressingOf(pausedStatus).getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
        assertThat(progressingOf(pausedStatus).getReason()).isEqualTo("DeploymentPaused");
        assertThat(progressingOf(pausedStatus).getMessage()).isEqualTo("Deployment is paused");

        Deployment stillPaused = paused.toBuilder().setStatus(pausedStatus).build();
        assertThat(DeploymentStatuses.pausedCondition(stillPaused, NOW)).isEmpty();

        Deployment resumed = stillPaused.toBuilder()
                .setSpec(stillPaused.getSpec().toBuilder().setPaused(false))
                .build();
        DeploymentStatus resumedStatus =
                DeploymentStatuses.pausedCondition(resumed, NOW).orElseThrow();
        assertThat(progressingOf(resumedStatus).getReason()).isEqualTo("DeploymentResumed");
        assertThat(DeploymentStatuses.pausedCondition(
                        TestDeployment.named("web").build(), NOW))
                .isEmpty();
    }

    @Test
    void pauseDoesNotHideATimeout() {
        Deployment deployment = TestDeployment.named("web")
                .paused()
                .status(DeploymentStatus.newBuilder()
                        .addConditions(progressing(
                                ConditionStatus.CONDITION_STATUS_FALSE, "ProgressDeadlineExceeded", NOW, NOW))
                        .build())
                .build();
        assertThat(DeploymentStatuses.pausedCondition(deployment, NOW)).isEmpty();
    }

    @Test
    void conditionWithSameStatusAndReasonIsNotRewritten() {
        DeploymentCondition first = DeploymentConditions.of(
                "Available",
                ConditionStatus.CONDITION_STATUS_TRUE,
                "MinimumReplicasAvailable",
                "a",
                NOW.minusSeconds(9));
        DeploymentStatus status =
                DeploymentStatus.newBuilder().addConditions(first).build();
        assertThat(DeploymentConditions.with(
                        status,
                        DeploymentConditions.of(
                                "Available",
                                ConditionStatus.CONDITION_STATUS_TRUE,
                                "MinimumReplicasAvailable",
                                "b",
                                NOW)))
                .isSameAs(status);
        DeploymentStatus reworded = DeploymentConditions.with(
                status, DeploymentConditions.of("Available", ConditionStatus.CONDITION_STATUS_TRUE, "Other", "b", NOW));
        assertThat(reworded.getConditions(0).getLastTransitionTime()).isEqualTo(first.getLastTransitionTime());
        assertThat(reworded.getConditions(0).getLastUpdateTime()).isEqualTo(ProtoTimes.wholeSeconds(NOW));
    }
}
