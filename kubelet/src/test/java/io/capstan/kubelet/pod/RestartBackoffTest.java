package io.capstan.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private final RestartBackoff backoff =
            new RestartBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(10));
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void restartsAtOnceThenWaitsTenSecondsDoublingToFiveMinutes() {
        String key = RestartBackoff.key("uid", "web");
        assertThat(backoff.restartAt(key, "c0", t0, Duration.ofSeconds(1))).isEqualTo(t0);
        long[] expected = {10, 20, 40, 80, 160, 300, 300};
        for (int i = 0; i < expected.length; i++) {
            Instant exit = t0.plusSeconds(1000L * (i + 1));
            assertThat(backoff.restartAt(key, "c" + (i + 1), exit, Duration.ofSeconds(1)))
                    .isEqualTo(exit.plusSeconds(expected[i]));
        }
    }

    @Test
    void theSameExitAlwaysGetsTheSameTime() {
        String key = RestartBackoff.key("uid", "web");
        backoff.restartAt(key, "c0", t0, Duration.ofSeconds(1));
        Instant at = backoff.restartAt(key, "c1", t0.plusSeconds(5), Duration.ofSeconds(1));
        assertThat(backoff.restartAt(key, "c1", t0.plusSeconds(5), Duration.ofSeconds(1)))
                .isEqualTo(at);
    }

    @Test
    void aLongHealthyRunResetsTheBackOff() {
        String key = RestartBackoff.key("uid", "web");
        backoff.restartAt(key, "c0", t0, Duration.ofSeconds(1));
        backoff.restartAt(key, "c1", t0.plusSeconds(100), Duration.ofSeconds(1));
        Instant exit = t0.plusSeconds(2000);
        assertThat(backoff.restartAt(key, "c2", exit, Duration.ofMinutes(11))).isEqualTo(exit);
        backoff.forgetPod("uid");
        assertThat(backoff.restartAt(key, "c3", exit, Duration.ofSeconds(1))).isEqualTo(exit);
    }
}
