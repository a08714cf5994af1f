package io.capstan.client.leaderelection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaderElectionConfigTest {

    @Test
    void defaultsAreClientGos() {
        LeaderElectionConfig config = LeaderElectionConfig.of("kube-system", "cm", "me");

        assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.releaseOnStop()).isFalse();
    }

    @Test
    void leaseDurationMustExceedTheRenewDeadline() {
        assertThatThrownBy(() -> LeaderElectionConfig.of("ns", "cm", "me")
                        .withDurations(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("leaseDuration:");
    }

    @Test
    void renewDeadlineMustExceedTheJitteredRetryPeriod() {
        assertThatThrownBy(() -> LeaderElectionConfig.of("ns", "cm", "me")
                        .withDurations(Duration.ofSeconds(15), Duration.ofMillis(2400), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("renewDeadline:");
    }

    @Test
    void leaseDurationIsWrittenInWholeSecondsRoundedUp() {
        LeaderElectionConfig config = LeaderElectionConfig.of("ns", "cm", "me")
                .withDurations(Duration.ofMillis(2500), Duration.ofMillis(1500), Duration.ofMillis(300));

        assertThat(config.leaseDurationSeconds()).isEqualTo(3);
    }
}
