package io.capstan.store.lease;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease timing on the leader, like etcd's lessor: it keeps one deadline per lease and, when a
 * deadline passes, <em>proposes</em> a revoke through the log so that every peer deletes the same
 * keys at the same revision. It never deletes keys and never changes the {@link LeaseTable}
 * itself, and it reads time only through its {@link InstantSource}.
 *
 * <p>Only a promoted lessor (the leader's) expires leases and accepts keep-alives. {@link
 * #promote()} restarts every lease clock from now, as a new etcd leader does, so a lease never
 * expires early because of a leader change; {@link #demote()} stops expiry.
 *
 * <p>Thread-safe. {@link #onGranted} and {@link #onRevoked} are called on the apply thread and
 * only take a short lock; the proposer is called without the lock held.
 */
public final class Lessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lessor.class);

    /** Sends a revoke of an expired lease through the log; declared here, implemented by raft. */
    @FunctionalInterface
    public interface RevokeProposer {
        /** Must not block for long; a failure is retried after the retry interval. */
        void proposeRevoke(long leaseId);
    }

    /**
     * @param minTtl a granted TTL below this is raised to it (etcd: 1.5 election timeouts)
     * @param checkInterval how often the leader looks for expired leases
     * @param retryInterval how long to wait before proposing the same revoke again
     */
    public record Config(Duration minTtl, Duration checkInterval, Duration retryInterval) {
        public static Config defaults() {
            return new Config(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(3));
        }
    }

    private final LeaseTable table;
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final RevokeProposer proposer;
    private final Config config;

    private final Object mu = new Object();
    // guarded by mu
    private boolean isPrimary = false;
    // guarded by mu; empty unless primary
    private final Map<Long, Instant> deadlines = new HashMap<>();
    // guarded by mu; when a revoke was last proposed for a lease
    private final Map<Long, Instant> proposedAt = new HashMap<>();
    // guarded by mu
    private @Nullable ScheduledFuture<?> expiryTask;

    public Lessor(
            LeaseTable table,
            InstantSource clock,
            ScheduledExecutorService scheduler,
            RevokeProposer proposer,
            Config config) {
        this.table = table;
        this.clock = clock;
        this.scheduler = scheduler;
        this.proposer = proposer;
        this.config = config;
    }

    /** The TTL to put in a grant command for a requested TTL: never below the minimum. */
    public long grantTtlSeconds(long requestedTtlSeconds) {
        return Math.max(requestedTtlSeconds, config.minTtl().toSeconds());
    }

    public boolean isPrimary() {
        synchronized (mu) {
            return isPrimary;
        }
    }

    /** Becomes the leader's lessor: every lease's clock restarts now and expiry checks begin. */
    public void promote() {
        synchronized (mu) {
            Instant now = clock.instant();
            isPrimary = true;
            deadlines.clear();
            proposedAt.clear();
            for (long id : table.ids()) {
                table.get(id).ifPresent(lease -> {
                    // a checkpointed remaining TTL keeps long leases from living forever across elections
                    long ttl = lease.remainingTtlSeconds() > 0 ? lease.remainingTtlSeconds() : lease.ttlSeconds();
                    deadlines.put(id, now.plusSeconds(grantTtlSeconds(ttl)));
                });
            }
            if (expiryTask == null) {
                long periodMillis = config.checkInterval().toMillis();
                expiryTask = scheduler.scheduleWithFixedDelay(
                        this::checkExpiredQuietly, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
            }
            log.info("Lessor promoted leases={}", deadlines.size());
        }
    }

    /** Stops expiring leases and refusing keep-alives; another peer leads now. */
    public void demote() {
        synchronized (mu) {
            isPrimary = false;
            deadlines.clear();
            proposedAt.clear();
            cancelExpiryTask();
        }
    }

    /** A grant was applied. */
    public void onGranted(long id, long ttlSeconds) {
        synchronized (mu) {
            if (isPrimary) {
                deadlines.put(id, clock.instant().plusSeconds(grantTtlSeconds(ttlSeconds)));
            }
        }
    }

    /** A revoke was applied. */
    public void onRevoked(long id) {
        synchronized (mu) {
            deadlines.remove(id);
            proposedAt.remove(id);
        }
    }

    /**
     * Restarts the lease's clock.
     *
     * @return the lease's TTL in seconds
     * @throws NotPrimaryException if this is not the leader's lessor
     * @throws LeaseNotFoundException if there is no such lease, or it has expired and its revoke
     *     is under way
     */
    public long keepAlive(long id) {
        synchronized (mu) {
            if (!isPrimary) {
                throw new NotPrimaryException();
            }
            Lease lease = table.get(id).orElseThrow(() -> new LeaseNotFoundException(id));
            Instant now = clock.instant();
            Instant deadline = deadlines.get(id);
            if (deadline != null && !deadline.isAfter(now)) {
                throw new LeaseNotFoundException(id);
            }
            long ttl = grantTtlSeconds(lease.ttlSeconds());
            deadlines.put(id, now.plusSeconds(ttl));
            return ttl;
        }
    }

    /**
     * Seconds left before the lease expires (0 if overdue); on a follower, its granted TTL.
     *
     * @throws LeaseNotFoundException if there is no such lease
     */
    public long remainingTtlSeconds(long id) {
        Optional<Lease> lease = table.get(id);
        if (lease.isEmpty()) {
            throw new LeaseNotFoundException(id);
        }
        synchronized (mu) {
            Instant deadline = deadlines.get(id);
            if (!isPrimary || deadline == null) {
                return grantTtlSeconds(lease.get().ttlSeconds());
            }
            // truncated to whole seconds, as etcd reports it
            return Math.max(0, Duration.between(clock.instant(), deadline).toSeconds());
        }
    }

    /**
     * Proposes a revoke for each expired lease, in id order, at most once per retry interval per
     * lease. Runs on the scheduler every check interval while primary; tests call it directly.
     */
    public void checkExpired() {
        List<Long> expired = new ArrayList<>();
        synchronized (mu) {
            if (!isPrimary) {
                return;
            }
            Instant now = clock.instant();
            for (Map.Entry<Long, Instant> entry : new TreeMap<>(deadlines).entrySet()) {
                long id = entry.getKey();
                if (entry.getValue().isAfter(now)) {
                    continue;
                }
                Instant proposed = proposedAt.get(id);
                if (proposed != null && proposed.plus(config.retryInterval()).isAfter(now)) {
                    continue;
                }
                proposedAt.put(id, now);
                expired.add(id);
            }
        }
        for (long id : expired) {
            proposer.proposeRevoke(id);
        }
    }

    private void checkExpiredQuietly() {
        try {
            checkExpired();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again; the retry interval covers this one
            log.warn("Lease expiry check failed, will retry", e);
        }
    }

    private void cancelExpiryTask() {
        if (expiryTask != null) {
            expiryTask.cancel(false);
            expiryTask = null;
        }
    }

    @Override
    public void close() {
        demote();
    }
}
