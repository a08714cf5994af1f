package io.capstan.client.workqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential back-off, as client-go's ItemExponentialFailureRateLimiter: the n-th failure
 * in a row waits {@code base * 2^(n-1)}, at most {@code max}. With 5 ms and 1000 s: 5, 10, 20, 40
 * ms ... and 1000 s from the 19th failure on.
 */
public final class ExponentialRateLimiter<K> implements RateLimiter<K> {
    private final Duration base;
    private final Duration max;
    // guarded by this
    private final Map<K, Integer> failures = new HashMap<>();

    public ExponentialRateLimiter(Duration base, Duration max) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max, got base " + base + " and max " + max);
        }
        this.base = base;
        this.max = max;
    }

    @Override
    public synchronized Duration when(K key) {
        int exponent = failures.getOrDefault(key, 0);
        failures.put(key, exponent + 1);
        double nanos = base.toNanos() * Math.pow(2, exponent);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    @Override
    public synchronized void forget(K key) {
        failures.remove(key);
    }

    @Override
    public synchronized int retries(K key) {
        return failures.getOrDefault(key, 0);
    }
}
