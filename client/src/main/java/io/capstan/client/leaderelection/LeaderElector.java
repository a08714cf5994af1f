package io.capstan.client.leaderelection;

import com.google.protobuf.Timestamp;
import io.capstan.client.ApiException;
import io.capstan.client.KindClient;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.scheduler.Scheduler;
import io.capstan.client.scheduler.ThreadScheduler;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;
import io.capstan.proto.api.v1.ObjectMeta;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Campaigns for a Lease and keeps it while it can, with client-go's leaderelection algorithm.
 *
 * <p><b>One try</b> (client-go's {@code tryAcquireOrRenew}): read the lease, creating it if
 * absent. If its record differs from the one last observed, note it and the time it was
 * <em>observed</em>: expiry is judged by this candidate's own clock from that moment, never from
 * renewTime in the object, so clocks need not agree. If another holder is set and the observed
 * record is younger than its leaseDurationSeconds, give up this try. Otherwise write the lease with
 * this identity and renewTime now, keeping acquireTime and leaseTransitions when renewing, and
 * adding one transition when taking over. The update carries the resourceVersion read, so of
 * several candidates racing for an expired lease exactly one succeeds; the others get a Conflict.
 *
 * <p><b>The loop.</b> A candidate tries every retryPeriod (jittered up to 2.2 times). Once it
 * succeeds it calls {@link LeaderCallbacks#onStartedLeading()} and renews every retryPeriod. As in
 * client-go, each renewal round starts retryPeriod after the last success and retries every
 * retryPeriod; if none succeeds within renewDeadline of the round's start, or it observes another
 * holder, it calls {@link LeaderCallbacks#onStoppedLeading()} at once and campaigns again. Each
 * try is bounded by what is left of the round, so a hung API cannot delay the step-down. Others
 * wait leaseDuration from when they saw the last renewal, so leaseDuration must exceed
 * renewDeadline with room for a renewal's own time (the defaults leave 5 s).
 *
 * <p><b>Threads.</b> Everything runs on the {@link Scheduler}, callbacks included. {@link
 * #isLeader()} and {@link #leader()} may be read from any thread.
 */
public final class LeaderElector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

    private final KindClient<Lease> leases;
    private final LeaderElectionConfig config;
    private final LeaderCallbacks callbacks;
    private final Scheduler scheduler;
    private final @Nullable ThreadScheduler ownedScheduler;

    // read and written on the scheduler only, except where volatile
    private @Nullable Lease observed;
    private Instant observedTime = Instant.MIN;
    /** When the last successful acquire or renewal returned. */
    private Instant lastRenew = Instant.MIN;

    private volatile boolean leading;
    private volatile String observedHolder = "";
    private volatile boolean started;
    private volatile boolean stopped;
    private volatile Scheduler.@Nullable Cancellable next;

    public LeaderElector(
            KindClient<Lease> leases, LeaderElectionConfig config, LeaderCallbacks callbacks, Scheduler scheduler) {
        this(leases, config, callbacks, scheduler, null);
    }

    private LeaderElector(
            KindClient<Lease> leases,
            LeaderElectionConfig config,
            LeaderCallbacks callbacks,
            Scheduler scheduler,
            @Nullable ThreadScheduler ownedScheduler) {
        this.leases = leases;
        this.config = config;
        this.callbacks = callbacks;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
    }

    /** An elector on a thread of its own, {@code leader-elector-<lease name>}. */
    public static LeaderElector create(ObjectClient client, LeaderElectionConfig config, LeaderCallbacks callbacks) {
        ThreadScheduler thread = new ThreadScheduler("leader-elector-" + config.name());
        return new LeaderElector(client.leases(), config, callbacks, thread, thread);
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("leader elector " + config.identity() + " already started");
        }
        started = true;
        log.info("Campaigning for lease {}/{} as {}", config.namespace(), config.name(), config.identity());
        scheduler.execute(this::tick);
    }

    /** Whether this candidate holds the lease, as far as it knows. */
    public boolean isLeader() {
        return leading;
    }

    /** The holder last observed, possibly this candidate; empty if none. */
    public Optional<String> leader() {
        return observedHolder.isEmpty() ? Optional.empty() : Optional.of(observedHolder);
    }

    /**
     * Stops campaigning and renewing. If leading, releases the lease when configured to, then calls
     * {@link LeaderCallbacks#onStoppedLeading()}. Waits for that, at most the renew deadline.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        Scheduler.Cancellable pending = next;
        if (pending != null) {
            pending.cancel();
        }
        CountDownLatch finished = new CountDownLatch(1);
        scheduler.execute(() -> {
            try {
                if (leading) {
                    if (config.releaseOnStop()) {
                        release();
                    }
                    stepDown("stopped");
                }
            } finally {
                finished.countDown();
            }
        });
        try {
            if (!finished.await(config.renewDeadline().toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("Leader elector {} did not stop within {}", config.identity(), config.renewDeadline());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownedScheduler != null) {
            ownedScheduler.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // on the scheduler

    private void tick() {
        if (stopped) {
            return;
        }
        Instant start = scheduler.now();
        if (!leading) {
            if (tryAcquireOrRenew(start, config.renewDeadline())) {
                leading = true;
                lastRenew = scheduler.now();
                log.info("Became leader of lease {}/{} as {}", config.namespace(), config.name(), config.identity());
                callbacks.onStartedLeading();
                scheduleTick(config.retryPeriod());
            } else {
                scheduleTick(jittered(config.retryPeriod()));
            }
            return;
        }
        // as client-go: a renewal round starts retryPeriod after the last success and has renewDeadline
        Instant renewBy = lastRenew.plus(config.retryPeriod()).plus(config.renewDeadline());
        Duration left = Duration.between(start, renewBy);
        if (!left.isNegative() && !left.isZero() && tryAcquireOrRenew(start, left)) {
            lastRenew = scheduler.now();
        } else if (!observedHolder.equals(config.identity())) {
            stepDown("observed " + observedHolder + " holding the lease");
        } else if (!scheduler.now().isBefore(renewBy)) {
            stepDown("no renewal succeeded within " + config.renewDeadline());
        }
        scheduleTick(config.retryPeriod());
    }

    /** client-go's tryAcquireOrRenew; {@code budget} bounds its API calls. */
    private boolean tryAcquireOrRenew(Instant now, Duration budget) {
        KindClient<Lease> api = leases.withDeadline(budget);
        LeaseSpec.Builder record = LeaseSpec.newBuilder()
                .setHolderIdentity(config.identity())
                .setLeaseDurationSeconds(config.leaseDurationSeconds())
                .setAcquireTime(timestamp(now))
                .setRenewTime(timestamp(now));
        try {
            Lease current;
            try {
                current = api.get(config.namespace(), config.name());
            } catch (NotFoundException e) {
                Lease created = api.create(Lease.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder()
                                .setNamespace(config.namespace())
                                .setName(config.name()))
                        .setSpec(record)
                        .build());
                observe(created);
                return true;
            }
            if (observed == null || !observed.getSpec().equals(current.getSpec())) {
                observe(current);
            }
            LeaseSpec old = current.getSpec();
            boolean heldByMe = old.getHolderIdentity().equals(config.identity());
            if (!old.getHolderIdentity().isEmpty() && !heldByMe && isLeaseValid(now)) {
                return false;
            }
            if (heldByMe) {
                record.setAcquireTime(old.getAcquireTime()).setLeaseTransitions(old.getLeaseTransitions());
            } else {
                record.setLeaseTransitions(old.getLeaseTransitions() + 1);
            }
            // optimistic: the resourceVersion read guards the write, so one takeover wins a race
            observe(api.update(current.toBuilder().setSpec(record).build()));
            return true;
        } catch (ApiException e) {
            log.debug("Lease {}/{} not acquired or renewed: {}", config.namespace(), config.name(), e.getMessage());
            return false;
        }
    }

    private void observe(Lease lease) {
        observed = lease;
        observedTime = scheduler.now();
        String holder = lease.getSpec().getHolderIdentity();
        if (!holder.equals(observedHolder)) {
            observedHolder = holder;
            if (!holder.isEmpty()) {
                log.info("Lease {}/{} is held by {}", config.namespace(), config.name(), holder);
                callbacks.onNewLeader(holder);
            }
        }
    }

    private boolean isLeaseValid(Instant now) {
        Lease lease = observed;
        if (lease == null) {
            return false;
        }
        return observedTime
                .plusSeconds(lease.getSpec().getLeaseDurationSeconds())
                .isAfter(now);
    }

    /** Gives the lease up, as client-go's release: no holder, a one-second duration. */
    private void release() {
        Lease lease = observed;
        if (lease == null || !lease.getSpec().getHolderIdentity().equals(config.identity())) {
            return;
        }
        Instant now = scheduler.now();
        LeaseSpec released = LeaseSpec.newBuilder()
                .setLeaseDurationSeconds(1)
                .setAcquireTime(timestamp(now))
                .setRenewTime(timestamp(now))
                .setLeaseTransitions(lease.getSpec().getLeaseTransitions())
                .build();
        try {
            observe(leases.withDeadline(config.renewDeadline())
                    .update(lease.toBuilder().setSpec(released).build()));
            log.info("Released lease {}/{}", config.namespace(), config.name());
        } catch (ApiException e) {
            log.warn("Could not release lease {}/{}: {}", config.namespace(), config.name(), e.getMessage());
        }
    }

    private void stepDown(String why) {
        leading = false;
        log.info("Stopped leading lease {}/{} as {}: {}", config.namespace(), config.name(), config.identity(), why);
        callbacks.onStoppedLeading();
    }

    private void scheduleTick(Duration delay) {
        if (!stopped) {
            next = scheduler.schedule(delay, this::tick);
        }
    }

    private static Duration jittered(Duration period) {
        double factor = 1
                + LeaderElectionConfig.JITTER_FACTOR
                        * ThreadLocalRandom.current().nextDouble();
        return Duration.ofNanos((long) (period.toNanos() * factor));
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
