package io.capstan.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.scheduler.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketRateLimiterTest {
    private final ManualScheduler clock = new ManualScheduler();

    @Test
    void burstGoesAtOnceThenOnePerTokenRefill() {
        RateLimiter<String> bucket = new TokenBucketRateLimiter<>(10, 3, clock);

        assertThat(bucket.when("a")).isZero();
        assertThat(bucket.when("b")).isZero();
        assertThat(bucket.when("c")).isZero();
        assertThat(bucket.when("d")).isEqualTo(Duration.ofMillis(100));
        assertThat(bucket.when("e")).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void tokensRefillWithTimeUpToTheBurst() {
        RateLimiter<String> bucket = new TokenBucketRateLimiter<>(10, 2, clock);
        bucket.when("a");
        bucket.when("a");

        clock.advance(Duration.ofSeconds(60));

        assertThat(bucket.when("a")).isZero();
        assertThat(bucket.when("a")).isZero();
        assertThat(bucket.when("a")).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void controllerDefaultsTakeTheLongerOfPerKeyBackOffAndTheBucket() {
        RateLimiter<String> limiter = RateLimiter.controllerDefaults(clock);

        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        for (int i = 0; i < 98; i++) {
            limiter.when("key-" + i);
        }
        // 100 tokens are spent: the next key's first failure waits for the bucket, not 5 ms
        assertThat(limiter.when("fresh")).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.retries("a")).isEqualTo(2);
        limiter.forget("a");
        assertThat(limiter.retries("a")).isZero();
    }
}
