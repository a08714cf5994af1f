package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollingUpdateTest {
    private static final Deployment TEN = TestDeployment.named("web")
            .replicas(10)
            .surge("3")
            .unavailable("2")
            .image("web:2")
            .build();

    @Test
    void newReplicaSetGrowsIntoTheSurge() {
        ReplicaSet old =
                TestRs.named("web-1").image("web:1").replicas(10).available(10).build();
        ReplicaSet fresh = TestRs.named("web-2").image("web:2").age(10).build();
        assertThat(RollingUpdate.step(TEN, fresh, List.of(old))).containsExactly(new ScaleChange(fresh, 3));
    }

    @Test
    void whenTheSurgeIsFullOldReplicaSetsShrinkToMinAvailable() {
        ReplicaSet old =
                TestRs.named("web-1").image("web:1").replicas(10).available(10).build();
        ReplicaSet fresh =
                TestRs.named("web-2").image("web:2").age(10).replicas(3).build();
        assertThat(RollingUpdate.step(TEN, fresh, List.of(old))).containsExactly(new ScaleChange(old, 8));
    }

    @Test
    void availableNewPodsLetOldOnesGo() {
        ReplicaSet old =
                TestRs.named("web-1").image("web:1").replicas(8).available(8).build();
        ReplicaSet fresh = TestRs.named("web-2")
                .image("web:2")
                .age(10)
                .replicas(5)
                .available(3)
                .build();
        // available 11, min 8: three old ones may go
        assertThat(RollingUpdate.step(TEN, fresh, List.of(old))).containsExactly(new ScaleChange(old, 5));
    }

    @Test
    void oldPodsStillBeingDeletedCountAgainstTheSurge() {
        // old was scaled to 8 but still reports 10 pods
        ReplicaSet old = TestRs.named("web-1")
                .image("web:1")
                .spec(8)
                .statusReplicas(10)
                .available(10)
                .build();
        ReplicaSet fresh =
                TestRs.named("web-2").image("web:2").age(10).replicas(3).build();
        assertThat(RollingUpdate.newReplicas(TEN, List.of(old, fresh), fresh)).isEqualTo(3);
        ReplicaSet settled =
                TestRs.named("web-1").image("web:1").replicas(8).available(8).build();
        assertThat(RollingUpdate.newReplicas(TEN, List.of(settled, fresh), fresh))
                .isEqualTo(5);
    }

    @Test
    void availablePodsAboutToBeDeletedDoNotCount() {
        // old was scaled to 8 but still reports 10 available: only 8 will stay
        ReplicaSet old = TestRs.named("web-1")
                .image("web:1")
                .spec(8)
                .statusReplicas(10)
                .available(10)
                .build();
        ReplicaSet fresh = TestRs.named("web-2")
                .image("web:2")
                .age(10)
                .replicas(5)
                .available(2)
                .build();
        // 8 + 2 available, min 8: two more may go (counting the reported 10 would let four go)
        assertThat(RollingUpdate.step(TEN, fresh, List.of(old))).containsExactly(new ScaleChange(old, 6));
    }

    @Test
    void unhealthyOldReplicasAreCleanedUpFirst() {
        // an older ReplicaSet with 2 broken pods, a newer old one healthy
        ReplicaSet broken =
                TestRs.named("web-0").image("web:0").replicas(2).available(0).build();
        ReplicaSet old = TestRs.named("web-1")
                .image("web:1")
                .age(5)
                .replicas(8)
                .available(8)
                .build();
        ReplicaSet fresh =
                TestRs.named("web-2").image("web:2").age(10).replicas(3).build();
        // all 13 desired, min 8, new unavailable 3: up to 2 may go, and the broken ones go at no cost
        assertThat(RollingUpdate.step(TEN, fresh, List.of(broken, old))).containsExactly(new ScaleChange(broken, 0));
    }

    @Test
    void brokenNewPodsHoldOldOnes() {
        ReplicaSet old =
                TestRs.named("web-1").image("web:1").replicas(8).available(8).build();
        ReplicaSet fresh = TestRs.named("web-2")
                .image("web:2")
                .age(10)
                .replicas(5)
                .available(0)
                .build();
        assertThat(RollingUpdate.step(TEN, fresh, List.of(old))).isEmpty();
    }

    @Test
    void newReplicaSetAboveSpecShrinksAtOnce() {
        ReplicaSet fresh =
                TestRs.named("web-2").image("web:2").replicas(12).available(12).build();
        assertThat(RollingUpdate.step(TEN, fresh, List.of())).containsExactly(new ScaleChange(fresh, 10));
    }

    @Test
    void oldestOldReplicaSetsShrinkFirst() {
        ReplicaSet older =
                TestRs.named("web-0").image("web:0").replicas(4).available(4).build();
        ReplicaSet old = TestRs.named("web-1")
                .image("web:1")
                .age(5)
                .replicas(6)
                .available(6)
                .build();
        ReplicaSet fresh = TestRs.named("web-2")
                .image("web:2")
                .age(10)
                .replicas(3)
                .available(0)
                .build();
        // available 10, min 8: two go, from the oldest
        assertThat(RollingUpdate.step(TEN, fresh, List.of(old, older))).containsExactly(new ScaleChange(older, 2));
    }

    @Test
    void scaleDownSpansReplicaSetsAndMergesWithCleanup() {
        ReplicaSet older =
                TestRs.named("web-0").image("web:0").replicas(2).available(1).build();
        ReplicaSet old = TestRs.named("web-1")
                .image("web:1")
                .age(5)
                .replicas(8)
                .available(8)
                .build();
        ReplicaSet fresh = TestRs.named("web-2")
                .image("web:2")
                .age(10)
                .replicas(3)
                .available(3)
                .build();
        // cleanup: web-0 loses its unavailable pod (2 -> 1); then available 12, min 8: 4 more go,
        // web-0's last one and 3 of web-1's
        assertThat(RollingUpdate.step(TEN, fresh, List.of(older, old)))
                .containsExactly(new ScaleChange(older, 0), new ScaleChange(old, 5));
    }

    @Test
    void percentagesFromTheDefaults() {
        Deployment deployment =
                TestDeployment.named("web").replicas(4).image("web:2").build();
        ReplicaSet old =
                TestRs.named("web-1").image("web:1").replicas(4).available(4).build();
        ReplicaSet fresh = TestRs.named("web-2").image("web:2").age(10).build();
        // 25% of 4: surge 1, unavailable 1
        assertThat(RollingUpdate.step(deployment, fresh, List.of(old))).containsExactly(new ScaleChange(fresh, 1));
        ReplicaSet grown =
                TestRs.named("web-2").image("web:2").age(10).replicas(1).build();
        assertThat(RollingUpdate.step(deployment, grown, List.of(old))).containsExactly(new ScaleChange(old, 3));
    }
}
