package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryCleanupTest {
    @Test
    void deletesTheLowestRevisionsBeyondTheLimit() {
        Deployment deployment = TestDeployment.named("web").historyLimit(2).build();
        List<ReplicaSet> old = List.of(
                TestRs.named("r4").revision(4).build(),
                TestRs.named("r1").revision(1).build(),
                TestRs.named("r3").revision(3).build(),
                TestRs.named("r2").revision(2).build());
        assertThat(HistoryCleanup.toDelete(deployment, old))
                .extracting(rs -> rs.getMetadata().getName())
                .containsExactly("r1", "r2");
    }

    @Test
    void keepsReplicaSetsThatStillHavePodsOrUnobservedSpecs() {
        Deployment deployment = TestDeployment.named("web").historyLimit(0).build();
        List<ReplicaSet> old = List.of(
                TestRs.named("scaled").revision(1).spec(2).build(),
                TestRs.named("draining").revision(2).statusReplicas(1).build(),
                TestRs.named("unobserved").revision(3).generation(3, 2).build(),
                TestRs.named("empty").revision(4).build());
        assertThat(HistoryCleanup.toDelete(deployment, old))
                .extracting(rs -> rs.getMetadata().getName())
                .containsExactly("empty");
    }

    @Test
    void replicaSetsBeingDeletedCountNeitherTowardsTheLimitNorAgain() {
        Deployment deployment = TestDeployment.named("web").historyLimit(1).build();
        List<ReplicaSet> old = List.of(
                TestRs.named("r1").revision(1).deleting().build(),
                TestRs.named("r2").revision(2).build(),
                TestRs.named("r3").revision(3).build());
        assertThat(HistoryCleanup.toDelete(deployment, old))
                .extracting(rs -> rs.getMetadata().getName())
                .containsExactly("r2");
    }

    @Test
    void withinTheLimitOrWithoutOneNothingGoes() {
        List<ReplicaSet> old = List.of(
                TestRs.named("r1").revision(1).build(),
                TestRs.named("r2").revision(2).build());
        assertThat(HistoryCleanup.toDelete(
                        TestDeployment.named("web").historyLimit(2).build(), old))
                .isEmpty();
        Deployment unlimited = TestDeployment.named("web").build().toBuilder()
                .setSpec(TestDeployment.named("web").build().getSpec().toBuilder()
                        .clearRevisionHistoryLimit())
                .build();
        assertThat(HistoryCleanup.toDelete(unlimited, old)).isEmpty();
    }
}
