package io.capstan.controllers.nodelifecycle;

import static io.capstan.controllers.nodelifecycle.Fixtures.T0;
import static io.capstan.controllers.nodelifecycle.Fixtures.lease;
import static io.capstan.controllers.nodelifecycle.Fixtures.node;
import static io.capstan.controllers.nodelifecycle.Fixtures.ts;
import static io.capstan.controllers.nodelifecycle.Fixtures.unreported;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Node health over a controllable clock: the test moves {@code now} and renews leases by hand. */
class NodeHealthTest {
    private final NodeLifecycleConfig config = NodeLifecycleConfig.defaults();
    private final Heartbeats heartbeats = new Heartbeats();
    private final Node node = node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0);

    private NodeHealth.Assessment at(Instant now, Instant leaseRenewed) {
        return NodeHealth.assess(node, heartbeats.observe(node, lease("n1", leaseRenewed), now), now, config);
    }

    @Test
    void nodeRenewingItsLeaseStaysAsItReported() {
        at(T0, T0);
        NodeHealth.Assessment assessment = at(T0.plusSeconds(35), T0.plusSeconds(30));

        assertThat(assessment.changed()).isFalse();
        assertThat(assessment.ready()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(assessment.staleAt()).isEqualTo(T0.plusSeconds(35 + 40));
    }

    @Test
    void nodeIsReadyUntilTheGracePeriodHasPassed() {
        at(T0, T0);

        NodeHealth.Assessment atTheEdge = at(T0.plusSeconds(40), T0);

        assertThat(atTheEdge.changed()).isFalse();
        assertThat(atTheEdge.staleAt()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void conditionsBecomeUnknownOnceTheLeaseIsNotRenewedWithinTheGracePeriod() {
        at(T0, T0);
        Instant now = T0.plusSeconds(41);

        NodeHealth.Assessment assessment = at(now, T0);

        assertThat(assessment.changed()).isTrue();
        assertThat(assessment.ready()).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
        NodeCondition ready = condition(assessment, "Ready");
        assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(ready.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        assertThat(ready.getLastTransitionTime()).isEqualTo(ts(now));
        assertThat(ready.getLastHeartbeatTime()).isEqualTo(ts(T0));
        assertThat(condition(assessment, "MemoryPressure").getStatus())
                .isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
        NodeCondition neverPosted = condition(assessment, "DiskPressure");
        assertThat(neverPosted.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
        assertThat(neverPosted.getReason()).isEqualTo("NodeStatusNeverUpdated");
    }

    @Test
    void conditionsAlreadyUnknownAreLeftAsTheyAre() {
        at(T0, T0);
        Node unknown =
                node.toBuilder().setStatus(at(T0.plusSeconds(41), T0).status()).build();

        NodeHealth.Assessment again = NodeHealth.assess(
                unknown, heartbeats.observe(unknown, null, T0.plusSeconds(60)), T0.plusSeconds(60), config);

        assertThat(again.changed()).isFalse();
    }

    @Test
    void shorterGracePeriodMakesTheNodeStaleSooner() {
        NodeLifecycleConfig fast = config.withGracePeriod(Duration.ofSeconds(2));
        Instant probe = heartbeats.observe(node, lease("n1", T0), T0);

        assertThat(NodeHealth.assess(node, probe, T0.plusSeconds(3), fast).ready())
                .isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
    }

    @Test
    void nodeThatNeverReportedGetsTheStartupGracePeriodFromItsCreation() {
        Node fresh = unreported("n2", T0);
        Instant probe = heartbeats.observe(fresh, null, T0.plusSeconds(50));

        assertThat(NodeHealth.assess(fresh, probe, T0.plusSeconds(50), config).changed())
                .isFalse();
        NodeHealth.Assessment late = NodeHealth.assess(fresh, probe, T0.plusSeconds(61), config);
        assertThat(late.ready()).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
        assertThat(late.status().getConditionsList())
                .extracting(NodeCondition::getReason)
                .containsOnly("NodeStatusNeverUpdated");
    }

    private static NodeCondition condition(NodeHealth.Assessment assessment, String type) {
        return assessment.status().getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }
}
