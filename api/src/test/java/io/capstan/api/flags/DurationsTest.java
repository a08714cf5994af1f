package io.capstan.api.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void readsEachUnitAndBareSeconds() {
        assertThat(Durations.parse("--x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("--x", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("--x", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("--x", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("--x", " 40 ")).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void namesTheOptionWhenTheTextIsNotADuration() {
        assertThatThrownBy(() -> Durations.parse("--event-ttl", "1d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--event-ttl: ");
        assertThatThrownBy(() -> Durations.parse("--event-ttl", "")).hasMessageStartingWith("--event-ttl: ");
    }
}
