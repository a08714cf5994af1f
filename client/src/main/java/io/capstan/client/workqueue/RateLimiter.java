package io.capstan.client.workqueue;

import java.time.Duration;

/**
 * Decides how long a key waits before its next try, from its failures so far, as client-go's
 * RateLimiter. Implementations are thread-safe.
 */
public interface RateLimiter<K> {

    /** The delay before {@code key}'s next try; counts one more failure of it. */
    Duration when(K key);

    /** Forgets {@code key}'s failures: its next delay is the first again. */
    void forget(K key);

    /** The failures counted for {@code key} since it was last forgotten. */
    int retries(K key);

    /** client-go's per-item default: 5 ms, doubling with each failure, up to 1000 s. */
    static <K> RateLimiter<K> defaults() {
        return new ExponentialRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000));
    }
}
