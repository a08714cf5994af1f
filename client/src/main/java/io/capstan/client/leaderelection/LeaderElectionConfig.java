package io.capstan.client.leaderelection;

import java.time.Duration;

/**
 * One candidate's settings, with client-go's defaults and rules.
 *
 * @param namespace and {@code name}: the Lease object the candidates share
 * @param identity this candidate's name in the lease's holderIdentity; unique among candidates
 * @param leaseDuration how long non-leaders wait after observing the last change of the lease
 *     before taking it over (default 15 s); written to the lease in whole seconds, rounded up
 * @param renewDeadline how long the leader keeps trying to renew before it stops leading (10 s)
 * @param retryPeriod how often candidates try to acquire, and the leader renews (2 s); acquiring
 *     waits up to 2.2 times as long, jittered, so candidates do not act in step
 * @param releaseOnStop whether {@link LeaderElector#close()} gives the lease up at once, so another
 *     candidate need not wait for it to expire
 */
public record LeaderElectionConfig(
        String namespace,
        String name,
        String identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod,
        boolean releaseOnStop) {

    /** client-go's JitterFactor: retries wait between retryPeriod and (1 + this) times it. */
    static final double JITTER_FACTOR = 1.2;

    public LeaderElectionConfig {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
        if (identity.isEmpty()) {
            throw new IllegalArgumentException("identity: required");
        }
        if (retryPeriod.isNegative() || retryPeriod.isZero()) {
            throw new IllegalArgumentException("retryPeriod: must be positive, got " + retryPeriod);
        }
        if (leaseDuration.compareTo(renewDeadline) <= 0) {
            throw new IllegalArgumentException(
                    "leaseDuration: must be greater than renewDeadline " + renewDeadline + ", got " + leaseDuration);
        }
        if (renewDeadline.toNanos() <= JITTER_FACTOR * retryPeriod.toNanos()) {
            throw new IllegalArgumentException("renewDeadline: must be greater than " + JITTER_FACTOR
                    + " times retryPeriod " + retryPeriod + ", got " + renewDeadline);
        }
    }

    public static LeaderElectionConfig of(String namespace, String name, String identity) {
        return new LeaderElectionConfig(
                namespace,
                name,
                identity,
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                false);
    }

    public LeaderElectionConfig withDurations(Duration lease, Duration renew, Duration retry) {
        return new LeaderElectionConfig(namespace, name, identity, lease, renew, retry, releaseOnStop);
    }

    public LeaderElectionConfig withReleaseOnStop(boolean release) {
        return new LeaderElectionConfig(namespace, name, identity, leaseDuration, renewDeadline, retryPeriod, release);
    }

    /** The lease duration as the Lease holds it: whole seconds, rounded up. */
    int leaseDurationSeconds() {
        long seconds = leaseDuration.getSeconds() + (leaseDuration.getNano() > 0 ? 1 : 0);
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }
}
