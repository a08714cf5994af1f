package io.capstan.kubelet.probe;

import io.capstan.client.scheduler.Scheduler;
import io.capstan.proto.api.v1.Container;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's probing, as Kubernetes' prober manager: one per kubelet, shared by its pod workers,
 * which {@link #start} the probes of each container once it runs and {@link ContainerProbes#stop}
 * them when it exits or is restarted.
 *
 * <p>The scheduler only times attempts (its tasks hand them over at once); attempts block for up to
 * their timeout, so they run on {@code executor}, which should have a few threads (see {@link
 * #newExecutor}). Unit tests pass a manual scheduler and a direct executor ({@code Runnable::run})
 * and step time. Thread-safe.
 */
public final class ProbeManager implements AutoCloseable {
    private final Prober prober;
    private final Scheduler scheduler;
    private final Executor executor;
    private final Set<ContainerProbes> running = ConcurrentHashMap.newKeySet();

    /**
     * @param prober runs attempts: an {@link ActionProber} on the node's runtime
     * @param scheduler times attempts; its tasks are short
     * @param executor runs attempts, which block for up to their timeout; not owned (not shut down
     *     by {@link #close})
     */
    public ProbeManager(Prober prober, Scheduler scheduler, Executor executor) {
        this.prober = prober;
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /**
     * A pool for probe attempts: up to {@code threads} daemon threads named "probe-N", idle ones
     * ending after a minute; attempts beyond that wait in line. The caller shuts it down.
     */
    public static ExecutorService newExecutor(int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "probe-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Starts probing a running container: the probes it declares, with their messages' timings
     * (defaults where unset).
     *
     * @param startedAt when the container started: initial delays count from it, so probes of a
     *     container found running after a kubelet restart are not delayed again
     */
    public ContainerProbes start(Container container, ProbeTarget target, Instant startedAt, ProbeListener listener) {
        return start(ProbeSpec.forContainer(container), target, startedAt, listener);
    }

    /**
     * Starts probing a running container with the given probes (by kind; an absent kind is not
     * probed), whose timings may be finer than the API allows, for tests. The listener may hear
     * {@code onStarted} and {@code onReadyChanged(true)} before this returns when the container has
     * no startup probe (and no readiness probe).
     */
    public ContainerProbes start(
            Map<ProbeKind, ProbeSpec> probes, ProbeTarget target, Instant startedAt, ProbeListener listener) {
        ContainerProbes probing =
                new ContainerProbes(probes, target, startedAt, prober, scheduler, executor, listener, running::remove);
        running.add(probing);
        probing.begin();
        return probing;
    }

    /** Containers being probed (started and not stopped). */
    public int size() {
        return running.size();
    }

    /** Stops the probes of every container. */
    @Override
    public void close() {
        for (ContainerProbes probing : new ArrayList<>(running)) {
            probing.stop();
        }
    }
}
