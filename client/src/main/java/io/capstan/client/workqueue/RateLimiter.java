package io.capstan.client.workqueue;

import io.capstan.client.scheduler.Scheduler;
import java.time.Duration;
import java.util.List;

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

    /**
     * client-go's DefaultControllerRateLimiter, as sample-controller uses it: the larger of the
     * per-item back-off of {@link #defaults()} and an overall bucket of 10 qps with a burst of 100.
     */
    static <K> RateLimiter<K> controllerDefaults(Scheduler clock) {
        return maxOf(defaults(), new TokenBucketRateLimiter<>(10, 100, clock));
    }

    /**
     * Each delay is the largest of {@code limiters}' delays (every one of them counts the failure);
     * retries are the largest count; forget forgets in all.
     */
    @SafeVarargs
    static <K> RateLimiter<K> maxOf(RateLimiter<K>... limiters) {
        List<RateLimiter<K>> all = List.of(limiters);
        return new RateLimiter<>() {
            @Override
            public Duration when(K key) {
                Duration longest = Duration.ZERO;
                for (RateLimiter<K> limiter : all) {
                    Duration delay = limiter.when(key);
                    if (delay.compareTo(longest) > 0) {
                        longest = delay;
                    }
                }
                return longest;
            }

            @Override
            public void forget(K key) {
                all.forEach(limiter -> limiter.forget(key));
            }

            @Override
            public int retries(K key) {
                return all.stream()
                        .mapToInt(limiter -> limiter.retries(key))
                        .max()
                        .orElse(0);
            }
        };
    }
}
