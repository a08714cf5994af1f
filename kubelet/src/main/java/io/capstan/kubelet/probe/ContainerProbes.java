package io.capstan.kubelet.probe;

import io.capstan.client.scheduler.Scheduler;
import io.capstan.kubelet.probe.ProbeResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes of one running container, as Kubernetes' probe workers run them. Each declared probe
 * makes its first attempt once {@code initialDelay} has passed since the container started, then
 * one attempt every {@code period} (measured from the start of the previous attempt; an attempt
 * never overlaps the next). Liveness and readiness probes wait for the startup probe to pass.
 *
 * <p>State, after thresholds, as Kubernetes keeps it:
 *
 * <ul>
 *   <li><b>started</b>: the startup probe passed; true at once without one.
 *   <li><b>live</b>: true until the liveness probe fails {@code failureThreshold} times in a row;
 *       the liveness probe then stops.
 *   <li><b>ready</b>: false until the readiness probe passes {@code successThreshold} times in a
 *       row, false again after {@code failureThreshold} failures in a row; true once started when
 *       there is no readiness probe.
 * </ul>
 *
 * <p>Each count is of consecutive attempts with the same outcome; an attempt that could not be run
 * ({@link Outcome#UNKNOWN}) leaves the counts alone. The {@link ProbeListener} hears of every
 * transition and every failed attempt.
 *
 * <p>Thread-safe. {@link #stop} ends everything: no attempt starts and no listener call starts
 * after it returns; an attempt under way finishes within its timeout and its result is dropped.
 */
public final class ContainerProbes {
    private static final Logger log = LoggerFactory.getLogger(ContainerProbes.class);

    private final ProbeTarget target;
    private final Instant startedAt;
    private final Prober prober;
    private final Scheduler scheduler;
    private final Executor executor;
    private final ProbeListener listener;
    private final Consumer<ContainerProbes> onStop;
    private final Map<ProbeKind, Worker> workers = new EnumMap<>(ProbeKind.class);

    // All guarded by this.
    private boolean stopped;
    private boolean started;
    private boolean live = true;
    private boolean ready;
    private final Queue<Runnable> notifications = new ArrayDeque<>();
    private boolean delivering;

    /** One probe of the container: its timer and its run of equal outcomes. */
    private static final class Worker {
        final ProbeKind kind;
        final ProbeSpec spec;
        Scheduler.@Nullable Cancellable timer; // guarded by ContainerProbes.this

        @Nullable
        Outcome lastOutcome; // SUCCESS or FAILURE; guarded by ContainerProbes.this

        int run; // guarded by ContainerProbes.this
        boolean onHold; // no more attempts; guarded by ContainerProbes.this

        Worker(ProbeKind kind, ProbeSpec spec) {
            this.kind = kind;
            this.spec = spec;
        }
    }

    ContainerProbes(
            Map<ProbeKind, ProbeSpec> probes,
            ProbeTarget target,
            Instant startedAt,
            Prober prober,
            Scheduler scheduler,
            Executor executor,
            ProbeListener listener,
            Consumer<ContainerProbes> onStop) {
        this.target = target;
        this.startedAt = startedAt;
        this.prober = prober;
        this.scheduler = scheduler;
        this.executor = executor;
        this.listener = listener;
        this.onStop = onStop;
        probes.forEach((kind, spec) -> workers.put(kind, new Worker(kind, spec)));
    }

    void begin() {
        synchronized (this) {
            Worker startup = workers.get(ProbeKind.STARTUP);
            if (startup != null) {
                schedule(startup, untilInitialDelay(startup));
            } else {
                markStarted();
            }
        }
        if (hasUndelivered()) {
            try {
                executor.execute(this::deliver);
            } catch (RejectedExecutionException e) {
                deliver();
            }
        }
    }

    /** Startup probe passed (true at once without one). */
    public synchronized boolean isStarted() {
        return started;
    }

    /** Liveness probe not (yet) failed. */
    public synchronized boolean isLive() {
        return live;
    }

    /** Readiness as the thresholds decide it. */
    public synchronized boolean isReady() {
        return ready;
    }

    /** Cancels every probe of the container. Idempotent. */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            notifications.clear();
            for (Worker worker : workers.values()) {
                Scheduler.Cancellable timer = worker.timer;
                if (timer != null) {
                    timer.cancel();
                    worker.timer = null;
                }
            }
        }
        onStop.accept(this);
    }

    // guarded by this
    private void markStarted() {
        started = true;
        tell(listener::onStarted);
        for (ProbeKind kind : new ProbeKind[] {ProbeKind.LIVENESS, ProbeKind.READINESS}) {
            Worker worker = workers.get(kind);
            if (worker != null) {
                schedule(worker, untilInitialDelay(worker));
            }
        }
        if (!workers.containsKey(ProbeKind.READINESS)) {
            ready = true;
            tell(() -> listener.onReadyChanged(true));
        }
    }

    private Duration untilInitialDelay(Worker worker) {
        Duration left = Duration.between(
                scheduler.now(), startedAt.plus(worker.spec.timings().initialDelay()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    // guarded by this
    private void schedule(Worker worker, Duration delay) {
        worker.timer = scheduler.schedule(delay, () -> {
            try {
                executor.execute(() -> attempt(worker));
            } catch (RejectedExecutionException e) {
                log.debug("Probe threads closed; {} probe of container {} stops", worker.kind, target.containerId());
            }
        });
    }

    private void attempt(Worker worker) {
        synchronized (this) {
            if (stopped || worker.onHold) {
                return;
            }
            worker.timer = null;
        }
        Instant began = scheduler.now();
        ProbeResult result;
        try {
            result = prober.probe(
                    worker.spec.probe(), target, worker.spec.timings().timeout());
        } catch (RuntimeException e) {
            log.warn("{} probe of container {} threw", worker.kind, target.containerId(), e);
            result = ProbeResult.unknown(String.valueOf(e));
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            record(worker, result);
            if (!worker.onHold) {
                Duration left = worker.spec.timings().period().minus(Duration.between(began, scheduler.now()));
                schedule(worker, left.isNegative() ? Duration.ZERO : left);
            }
        }
        deliver();
    }

    // guarded by this; Kubernetes' worker.doProbe after the prober returns
    private void record(Worker worker, ProbeResult result) {
        ProbeKind kind = worker.kind;
        log.debug("{} probe of container {}: {}", kind, target.containerId(), result);
        if (result.outcome() == Outcome.UNKNOWN) {
            tell(() -> listener.onUnhealthy(kind, kind.displayName() + " probe errored: " + result.message()));
            return;
        }
        Outcome outcome = result.passed() ? Outcome.SUCCESS : Outcome.FAILURE;
        if (outcome == Outcome.FAILURE) {
            tell(() -> listener.onUnhealthy(kind, kind.displayName() + " probe failed: " + result.message()));
        }
        if (worker.lastOutcome == outcome) {
            worker.run++;
        } else {
            worker.lastOutcome = outcome;
            worker.run = 1;
        }
        ProbeTimings timings = worker.spec.timings();
        if ((outcome == Outcome.FAILURE && worker.run < timings.failureThreshold())
                || (outcome == Outcome.SUCCESS && worker.run < timings.successThreshold())) {
            return;
        }
        boolean passed = outcome == Outcome.SUCCESS;
        switch (kind) {
            case STARTUP -> {
                worker.onHold = true;
                if (passed) {
                    markStarted();
                } else {
                    tell(() -> listener.onStartupFailed(result.message()));
                }
            }
            case LIVENESS -> {
                if (!passed) {
                    // Kubernetes puts the worker on hold until the container is replaced.
                    worker.onHold = true;
                    live = false;
                    tell(() -> listener.onLivenessFailed(result.message()));
                }
            }
            case READINESS -> {
                if (ready != passed) {
                    ready = passed;
                    tell(() -> listener.onReadyChanged(passed));
                }
            }
        }
    }

    // guarded by this
    private void tell(Runnable notification) {
        notifications.add(notification);
    }

    private synchronized boolean hasUndelivered() {
        return !notifications.isEmpty();
    }

    /**
     * Delivers queued notifications outside the lock, so that a listener may call {@link #stop} or
     * take locks of its own; one thread delivers at a time, which keeps them in order.
     */
    private void deliver() {
        synchronized (this) {
            if (delivering) {
                return;
            }
            delivering = true;
        }
        while (true) {
            Runnable next;
            synchronized (this) {
                next = stopped ? null : notifications.poll();
                if (next == null) {
                    delivering = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                log.warn("Probe listener of container {} threw", target.containerId(), e);
            }
        }
    }
}
