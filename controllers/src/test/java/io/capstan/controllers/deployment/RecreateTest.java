package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecreateTest {
    private static final Deployment DEPLOYMENT =
            TestDeployment.named("web").replicas(3).recreate().image("web:2").build();

    private static Pod pod(PodStatus.Phase phase) {
        return Pod.newBuilder()
                .setStatus(PodStatus.newBuilder().setPhase(phase))
                .build();
    }

    @Test
    void firstEveryOldReplicaSetGoesToZero() {
        ReplicaSet a = TestRs.named("web-0").replicas(1).build();
        ReplicaSet b = TestRs.named("web-1").replicas(3).build();
        ReplicaSet empty = TestRs.named("web-x").build();
        Recreate.Step step = Recreate.next(DEPLOYMENT, null, List.of(a, b, empty), true);
        assertThat(step.action()).isEqualTo(Recreate.Action.SCALE_DOWN_OLD);
        assertThat(step.changes()).containsExactly(new ScaleChange(a, 0), new ScaleChange(b, 0));
    }

    @Test
    void thenItWaitsForOldPods() {
        ReplicaSet old = TestRs.named("web-1").build();
        assertThat(Recreate.next(DEPLOYMENT, null, List.of(old), true).action())
                .isEqualTo(Recreate.Action.WAIT_FOR_OLD_PODS);
    }

    @Test
    void thenCreatesTheNewReplicaSetAndScalesItUp() {
        ReplicaSet old = TestRs.named("web-1").build();
        assertThat(Recreate.next(DEPLOYMENT, null, List.of(old), false).action())
                .isEqualTo(Recreate.Action.CREATE_NEW);
        ReplicaSet newRs = TestRs.named("web-2").build();
        Recreate.Step step = Recreate.next(DEPLOYMENT, newRs, List.of(old), false);
        assertThat(step.action()).isEqualTo(Recreate.Action.SCALE_UP_NEW);
        assertThat(step.changes()).containsExactly(new ScaleChange(newRs, 3));
        ReplicaSet full = TestRs.named("web-2").replicas(3).build();
        assertThat(Recreate.next(DEPLOYMENT, full, List.of(old), false).action())
                .isEqualTo(Recreate.Action.NONE);
    }

    @Test
    void oldPodsRunUntilReportedGoneAndEveryUnfinishedPodIsGone() {
        ReplicaSet newRs = TestRs.named("web-2").build();
        ReplicaSet reporting = TestRs.named("web-1").statusReplicas(1).build();
        assertThat(Recreate.oldPodsRunning(newRs, List.of(reporting), Map.of())).isTrue();

        ReplicaSet old = TestRs.named("web-1").build();
        String oldUid = old.getMetadata().getUid();
        String newUid = newRs.getMetadata().getUid();
        assertThat(Recreate.oldPodsRunning(newRs, List.of(old), Map.of())).isFalse();
        assertThat(Recreate.oldPodsRunning(
                        newRs, List.of(old), Map.of(newUid, List.of(pod(PodStatus.Phase.PHASE_RUNNING)))))
                .isFalse();
        assertThat(Recreate.oldPodsRunning(
                        newRs, List.of(old), Map.of(oldUid, List.of(pod(PodStatus.Phase.PHASE_RUNNING)))))
                .isTrue();
        assertThat(Recreate.oldPodsRunning(
                        newRs, List.of(old), Map.of(oldUid, List.of(pod(PodStatus.Phase.PHASE_UNKNOWN)))))
                .isTrue();
        assertThat(Recreate.oldPodsRunning(
                        newRs,
                        List.of(old),
                        Map.of(
                                oldUid,
                                List.of(pod(PodStatus.Phase.PHASE_SUCCEEDED), pod(PodStatus.Phase.PHASE_FAILED)))))
                .isFalse();
        assertThat(Recreate.oldPodsRunning(
                        null, List.of(old), Map.of(newUid, List.of(pod(PodStatus.Phase.PHASE_PENDING)))))
                .isTrue();
    }
}
