package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.api.v1.IntOrString;
import org.junit.jupiter.api.Test;

class FencepostsTest {
    private static Fenceposts of(int replicas, String surge, String unavailable) {
        return Fenceposts.of(TestDeployment.named("web")
                .replicas(replicas)
                .surge(surge)
                .unavailable(unavailable)
                .build());
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailableDown() {
        assertThat(of(10, "25%", "25%")).isEqualTo(new Fenceposts(3, 2));
        assertThat(of(4, "25%", "25%")).isEqualTo(new Fenceposts(1, 1));
        assertThat(of(3, "25%", "25%")).isEqualTo(new Fenceposts(1, 0));
        assertThat(of(10, "10%", "19%")).isEqualTo(new Fenceposts(1, 1));
        assertThat(of(10, "100%", "100%")).isEqualTo(new Fenceposts(10, 10));
    }

    @Test
    void numbersAreTakenAsTheyAre() {
        assertThat(of(10, "3", "2")).isEqualTo(new Fenceposts(3, 2));
        assertThat(of(10, "0", "1")).isEqualTo(new Fenceposts(0, 1));
    }

    @Test
    void bothZeroMakesOneUnavailable() {
        assertThat(of(10, "0", "0")).isEqualTo(new Fenceposts(0, 1));
        // 25% of 1 rounds down to 0 unavailable, but surge rounds up to 1: no adjustment
        assertThat(of(1, "25%", "25%")).isEqualTo(new Fenceposts(1, 0));
        assertThat(of(1, "0%", "25%")).isEqualTo(new Fenceposts(0, 1));
    }

    @Test
    void unavailableIsCappedAtReplicasAndZeroWithoutReplicas() {
        assertThat(of(3, "1", "5")).isEqualTo(new Fenceposts(1, 3));
        assertThat(of(0, "0", "0")).isEqualTo(new Fenceposts(0, 0));
        assertThat(of(0, "25%", "25%")).isEqualTo(new Fenceposts(0, 0));
    }

    @Test
    void recreateHasNoFenceposts() {
        assertThat(Fenceposts.of(
                        TestDeployment.named("web").replicas(10).recreate().build()))
                .isEqualTo(new Fenceposts(0, 0));
    }

    @Test
    void unsetMeansTwentyFivePercent() {
        assertThat(Fenceposts.scaled(IntOrString.getDefaultInstance(), 10, true, "f"))
                .isEqualTo(3);
        assertThat(Fenceposts.scaled(IntOrString.getDefaultInstance(), 10, false, "f"))
                .isEqualTo(2);
    }

    @Test
    void stringThatIsNotAPercentageNamesTheField() {
        assertThatThrownBy(() -> of(10, "3", "lots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "spec.strategy.rollingUpdate.maxUnavailable: must be an integer or a percentage, got \"lots\"");
        assertThatThrownBy(() -> of(10, "x%", "1")).hasMessageStartingWith("spec.strategy.rollingUpdate.maxSurge: ");
    }
}
