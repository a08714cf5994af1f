package io.capstan.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExponentialRateLimiterTest {
    private final RateLimiter<String> limiter = RateLimiter.defaults();

    @Test
    void delaysDoubleFromFiveMillisecondsPerFailure() {
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(40));
        assertThat(limiter.retries("a")).isEqualTo(4);
    }

    @Test
    void delaysStopGrowingAtOneThousandSeconds() {
        Duration last = Duration.ZERO;
        for (int i = 0; i < 100; i++) {
            last = limiter.when("a");
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(1000));
        // 5 ms * 2^17 = 655 s, 5 ms * 2^18 = 1311 s: the 19th failure is the first capped one
        limiter.forget("a");
        for (int i = 0; i < 18; i++) {
            limiter.when("a");
        }
        assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1000));
    }

    @Test
    void keysBackOffIndependentlyAndForgetResets() {
        limiter.when("a");
        limiter.when("a");
        assertThat(limiter.when("b")).isEqualTo(Duration.ofMillis(5));

        limiter.forget("a");
        assertThat(limiter.retries("a")).isZero();
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.retries("b")).isEqualTo(1);
    }

    @Test
    void rejectsABaseAboveTheMaximum() {
        assertThatThrownBy(() -> new ExponentialRateLimiter<String>(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
