package io.capstan.controllers.nodelifecycle;

import static io.capstan.controllers.nodelifecycle.Fixtures.T0;
import static io.capstan.controllers.nodelifecycle.Fixtures.lease;
import static io.capstan.controllers.nodelifecycle.Fixtures.node;
import static io.capstan.controllers.nodelifecycle.Fixtures.unreported;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    private final Heartbeats heartbeats = new Heartbeats();
    private final Node node = node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0.minusSeconds(3600));

    @Test
    void firstSightingOfAReportingNodeCountsAsASignOfLife() {
        assertThat(heartbeats.observe(node, null, T0)).isEqualTo(T0);
    }

    @Test
    void nodeThatNeverReportedCountsFromItsCreation() {
        Node fresh = unreported("n2", T0.minusSeconds(20));

        assertThat(heartbeats.observe(fresh, null, T0)).isEqualTo(T0.minusSeconds(20));
    }

    @Test
    void probeTimeStaysWhileNothingIsRenewed() {
        heartbeats.observe(node, lease("n1", T0), T0);

        assertThat(heartbeats.observe(node, lease("n1", T0), T0.plusSeconds(30)))
                .isEqualTo(T0);
    }

    @Test
    void renewedLeaseMovesProbeTimeToNowWhateverTheKubeletsClockSays() {
        heartbeats.observe(node, lease("n1", T0.minusSeconds(7200)), T0);

        Instant probe = heartbeats.observe(node, lease("n1", T0.minusSeconds(7190)), T0.plusSeconds(30));

        assertThat(probe).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void leaseGoingBackwardsIsNoSignOfLife() {
        heartbeats.observe(node, lease("n1", T0), T0);

        assertThat(heartbeats.observe(node, lease("n1", T0.minusSeconds(5)), T0.plusSeconds(30)))
                .isEqualTo(T0);
    }

    @Test
    void newReadyHeartbeatMovesProbeTime() {
        heartbeats.observe(node, null, T0);
        Node posted = node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0.minusSeconds(100));

        assertThat(heartbeats.observe(posted, null, T0.plusSeconds(10))).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void forgottenNodeStartsAfresh() {
        heartbeats.observe(node, null, T0);
        heartbeats.forget("n1");

        assertThat(heartbeats.observe(node, null, T0.plusSeconds(100))).isEqualTo(T0.plusSeconds(100));
    }
}
