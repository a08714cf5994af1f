package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pods drain deletes, refuses and leaves. */
class DrainPlanTest {
    private static final Pod OWNED = pod("web-1", "ReplicaSet");
    private static final Pod DAEMON = pod("agent-1", "DaemonSet");
    private static final Pod BARE = pod("bare", null);

    private static Pod pod(String name, String controllerKind) {
        Pod.Builder pod = Pod.newBuilder();
        pod.getMetadataBuilder().setNamespace("d").setName(name);
        if (controllerKind != null) {
            pod.getMetadataBuilder()
                    .addOwnerReferences(OwnerReference.newBuilder()
                            .setKind(controllerKind)
                            .setName("owner")
                            .setController(true));
        }
        return pod.build();
    }

    @Test
    void deletesPodsOfControllers() {
        assertThat(DrainPlan.of(List.of(OWNED), false, false))
                .isEqualTo(new DrainPlan(List.of(OWNED), List.of(), List.of()));
    }

    @Test
    void refusesUnownedAndDaemonSetPodsWithoutTheirFlags() {
        DrainPlan plan = DrainPlan.of(List.of(OWNED, DAEMON, BARE), false, false);

        assertThat(plan.errors())
                .containsExactly(
                        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): d/agent-1",
                        "cannot delete Pods that declare no controller (use --force to override): d/bare");
    }

    @Test
    void withTheFlagsDeletesUnownedPodsAndLeavesDaemonSetPods() {
        DrainPlan plan = DrainPlan.of(List.of(OWNED, DAEMON, BARE), true, true);

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.toDelete()).containsExactly(OWNED, BARE);
        assertThat(plan.warnings())
                .containsExactly(
                        "ignoring DaemonSet-managed Pods: d/agent-1",
                        "deleting Pods that declare no controller: d/bare");
    }
}
