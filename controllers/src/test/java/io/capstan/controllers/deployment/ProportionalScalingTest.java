package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProportionalScalingTest {
    private static TestRs sized(String name, int replicas, int desired, int max) {
        return TestRs.named(name)
                .replicas(replicas)
                .annotation(Revisions.DESIRED_REPLICAS, Integer.toString(desired))
                .annotation(Revisions.MAX_REPLICAS, Integer.toString(max));
    }

    @Test
    void scalingEventIsADesiredReplicasAnnotationThatDiffers() {
        Deployment deployment = TestDeployment.named("web").replicas(5).build();
        assertThat(ProportionalScaling.isScalingEvent(
                        deployment, List.of(sized("a", 3, 3, 4).build())))
                .isTrue();
        assertThat(ProportionalScaling.isScalingEvent(
                        deployment, List.of(sized("a", 5, 5, 7).build())))
                .isFalse();
        // inactive ReplicaSets and ones without the annotation do not count
        assertThat(ProportionalScaling.isScalingEvent(
                        deployment, List.of(sized("a", 0, 3, 4).build())))
                .isFalse();
        assertThat(ProportionalScaling.isScalingEvent(
                        deployment, List.of(TestRs.named("a").replicas(3).build())))
                .isFalse();
    }

    @Test
    void singleActiveReplicaSetTakesTheNewSize() {
        Deployment deployment = TestDeployment.named("web").replicas(50).build();
        ReplicaSet only = sized("web-1", 3, 3, 4).build();
        ReplicaSet empty = TestRs.named("web-0").build();
        assertThat(ProportionalScaling.plan(deployment, only, List.of(empty)))
                .containsExactly(new ScaleChange(only, 50));
        assertThat(ProportionalScaling.plan(
                        deployment.toBuilder()
                                .setSpec(deployment.getSpec().toBuilder().setReplicas(3))
                                .build(),
                        only,
                        List.of(empty)))
                .isEmpty();
    }

    @Test
    void withNoActiveReplicaSetTheNewOrNewestOldOneTakesTheSize() {
        Deployment deployment = TestDeployment.named("web").replicas(3).build();
        ReplicaSet newRs = TestRs.named("web-2").age(20).build();
        ReplicaSet older = TestRs.named("web-0").age(0).build();
        ReplicaSet newer = TestRs.named("web-1").age(10).build();
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(older, newer)))
                .containsExactly(new ScaleChange(newRs, 3));
        assertThat(ProportionalScaling.plan(deployment, null, List.of(older, newer)))
                .containsExactly(new ScaleChange(newer, 3));
    }

    @Test
    void saturatedNewReplicaSetSendsOldOnesToZero() {
        Deployment deployment = TestDeployment.named("web").replicas(4).build();
        ReplicaSet newRs = sized("web-2", 4, 4, 5).available(4).build();
        ReplicaSet old = sized("web-1", 1, 4, 5).build();
        assertThat(ProportionalScaling.isSaturated(deployment, newRs)).isTrue();
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(old))).containsExactly(new ScaleChange(old, 0));
    }

    @Test
    void scalingUpMidRolloutKeepsTheProportions() {
        Deployment deployment = TestDeployment.named("web").replicas(20).build();
        ReplicaSet old = sized("web-1", 8, 10, 13).build();
        ReplicaSet newRs = sized("web-2", 5, 10, 13).age(10).build();
        // allowed 20 + 5 = 25, 12 to add: old 8 * 25 / 13 = 15.4 -> 15, new 5 * 25 / 13 = 9.6 -> 10
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(old)))
                .containsExactly(new ScaleChange(old, 15), new ScaleChange(newRs, 10));
    }

    @Test
    void scalingDownMidRolloutTakesFromTheLargerAndOlderFirst() {
        Deployment deployment = TestDeployment.named("web").replicas(5).build();
        ReplicaSet old = sized("web-1", 6, 10, 13).build();
        ReplicaSet newRs = sized("web-2", 6, 10, 13).age(10).build();
        // allowed 5 + 2 = 7, 5 to remove; equal sizes: older first. 6 * 7 / 13 = 3.2 -> 3 (-3) each,
        // but the second may only remove what is left (-2)
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(old)))
                .containsExactly(new ScaleChange(old, 3), new ScaleChange(newRs, 4));
    }

    @Test
    void roundingLeftoversGoToTheFirst() {
        Deployment deployment = TestDeployment.named("web")
                .replicas(11)
                .surge("0")
                .unavailable("1")
                .build();
        ReplicaSet a = sized("web-1", 5, 10, 10).build();
        ReplicaSet b = sized("web-2", 5, 10, 10).age(10).build();
        // 1 to add; 5 * 11 / 10 = 5.5 -> 6 (+1) for the first (newer on the way up), nothing left
        assertThat(ProportionalScaling.plan(deployment, b, List.of(a)))
                .containsExactly(new ScaleChange(b, 6), new ScaleChange(a, 5));
    }

    @Test
    void withoutMaxReplicasAnnotationTheStatusReplicasServe() {
        Deployment deployment = TestDeployment.named("web")
                .replicas(20)
                .status(DeploymentStatus.newBuilder().setReplicas(10).build())
                .build();
        ReplicaSet old = TestRs.named("web-1")
                .replicas(5)
                .annotation(Revisions.DESIRED_REPLICAS, "8")
                .build();
        ReplicaSet newRs = TestRs.named("web-2").replicas(5).age(10).build();
        // allowed 25, 15 to add: each 5 * 25 / 10 = 12.5 -> 13 (+8), but the second only gets 7
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(old)))
                .containsExactly(new ScaleChange(newRs, 13), new ScaleChange(old, 12));
    }

    @Test
    void scalingToZeroEmptiesEveryActiveReplicaSet() {
        Deployment deployment = TestDeployment.named("web").replicas(0).build();
        ReplicaSet old = sized("web-1", 4, 10, 13).build();
        ReplicaSet newRs = sized("web-2", 7, 10, 13).age(10).build();
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(old)))
                .containsExactly(new ScaleChange(newRs, 0), new ScaleChange(old, 0));
    }

    @Test
    void recreateIsNotScaledProportionally() {
        Deployment deployment =
                TestDeployment.named("web").replicas(6).recreate().build();
        ReplicaSet old = sized("web-1", 4, 10, 10).build();
        ReplicaSet newRs = sized("web-2", 3, 10, 10).age(10).build();
        assertThat(ProportionalScaling.plan(deployment, newRs, List.of(old))).isEmpty();
    }
}
