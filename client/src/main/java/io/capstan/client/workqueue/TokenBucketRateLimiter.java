package io.capstan.client.workqueue;

import io.capstan.client.scheduler.Scheduler;
import java.time.Duration;
import java.time.Instant;

/**
 * An overall limit for all keys together, as client-go's BucketRateLimiter: a bucket of {@code
 * burst} tokens refilled at {@code qps} per second; each {@link #when} takes a token, waiting until
 * one is due when the bucket is empty. With 10 qps and a burst of 100, the first 100 failures go at
 * once and the next wait 100 ms, 200 ms, ... Keys are not told apart: {@link #forget} does nothing.
 */
public final class TokenBucketRateLimiter<K> implements RateLimiter<K> {
    private final double qps;
    private final int burst;
    private final Scheduler clock;
    // guarded by this; negative when tokens are promised ahead of their refill
    private double tokens;
    private Instant last;

    public TokenBucketRateLimiter(double qps, int burst, Scheduler clock) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("need qps > 0 and burst >= 1, got qps " + qps + " and burst " + burst);
        }
        this.qps = qps;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.now();
    }

    @Override
    public synchronized Duration when(K key) {
        Instant now = clock.now();
        double elapsedSeconds = Duration.between(last, now).toNanos() / 1e9;
        if (elapsedSeconds > 0) {
            tokens = Math.min(burst, tokens + elapsedSeconds * qps);
            last = now;
        }
        tokens -= 1;
        return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(-tokens / qps * 1e9));
    }

    @Override
    public void forget(K key) {}

    @Override
    public int retries(K key) {
        return 0;
    }
}
