package io.capstan.kubelet.pod;

import io.capstan.client.KindClient;
import io.capstan.client.events.EventRecorder;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.proto.api.v1.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod workers of one node: one {@link PodWorker} per pod bound to it, synced on a shared pool
 * with at most one sync per pod at a time (a request during a sync runs once more after it), on
 * every change of the pod or its containers, at the time each sync asks for, and every resync
 * period. It also removes what no pod owns any more: containers of pods that left the node and
 * their data directories.
 */
public final class PodWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);
    private static final int THREADS = 32;

    private final PodContext context;
    private final Map<String, Slot> slots = new HashMap<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService timers;
    private volatile boolean synced;
    private volatile boolean closed;

    private static final class Slot {
        final PodWorker worker;
        boolean running;
        boolean again;

        Slot(PodWorker worker) {
            this.worker = worker;
        }
    }

    public PodWorkers(
            String nodeName,
            String hostIp,
            Path podsDir,
            ContainerRuntime runtime,
            KindClient<Pod> pods,
            ConfigSource config,
            EndpointsView endpoints,
            EventRecorder events,
            HealthChecks health,
            PodTimings timings,
            Clock clock) {
        this.context = new PodContext(
                nodeName,
                hostIp,
                podsDir,
                runtime,
                pods,
                config,
                endpoints,
                events,
                health,
                new HostPorts(hostIp),
                new RestartBackoff(timings.backoffInitial(), timings.backoffMax(), timings.backoffReset()),
                timings,
                clock,
                this::request);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("pod-worker"));
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemon("pod-timers"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timers = scheduler;
        runtime.setListener((labels, id) -> request(labels.podUid()));
        long resync = timings.resync().toMillis();
        timers.scheduleWithFixedDelay(this::resyncAll, resync, resync, TimeUnit.MILLISECONDS);
    }

    /** A pod bound to this node was added or changed. */
    public void podChanged(Pod pod) {
        String uid = pod.getMetadata().getUid();
        synchronized (this) {
            if (closed) {
                return;
            }
            Slot slot = slots.computeIfAbsent(uid, u -> new Slot(new PodWorker(u, context)));
            slot.worker.update(pod);
        }
        request(uid);
    }

    /** A pod left the API (deleted with grace 0, or its deletion confirmed). */
    public void podDeleted(Pod pod) {
        String uid = pod.getMetadata().getUid();
        synchronized (this) {
            Slot slot = slots.get(uid);
            if (slot == null) {
                return;
            }
            slot.worker.markGone();
        }
        request(uid);
    }

    /**
     * The pod informer has listed: from now on a container whose pod is unknown belongs to a pod
     * that left the node and is removed.
     */
    public void markSynced() {
        synced = true;
        request(null);
    }

    /** Syncs every pod now (a ConfigMap, Secret or Endpoints they may use changed). */
    public void requestAll() {
        List<String> uids;
        synchronized (this) {
            uids = new ArrayList<>(slots.keySet());
        }
        uids.forEach(this::request);
    }

    /** The pods being worked on, by uid. */
    public synchronized Set<String> podUids() {
        return Set.copyOf(slots.keySet());
    }

    void request(@Nullable String uid) {
        if (uid == null) {
            pool.execute(this::removeOrphans);
            return;
        }
        Slot slot;
        synchronized (this) {
            slot = slots.get(uid);
            if (slot == null || closed) {
                return;
            }
            if (slot.running) {
                slot.again = true;
                return;
            }
            slot.running = true;
        }
        pool.execute(() -> run(uid, slot));
    }

    private void run(String uid, Slot slot) {
        while (true) {
            Instant next = null;
            try {
                next = slot.worker.sync();
            } catch (RuntimeException e) {
                log.warn("Sync of pod {} failed", uid, e);
                next = context.clock().instant().plus(context.timings().resync());
            }
            if (next != null) {
                long delay = Math.max(
                        0, Duration.between(context.clock().instant(), next).toMillis());
                timers.schedule(() -> request(uid), delay, TimeUnit.MILLISECONDS);
            }
            synchronized (this) {
                if (slot.worker.finished()) {
                    slots.remove(uid, slot);
                    slot.running = false;
                    return;
                }
                if (!slot.again || closed) {
                    slot.running = false;
                    return;
                }
                slot.again = false;
            }
        }
    }

    private void resyncAll() {
        requestAll();
        if (synced) {
            request(null);
        }
    }

    /** Stops and removes containers of pods this node no longer has, and their directories. */
    private void removeOrphans() {
        if (!synced || closed) {
            return;
        }
        Set<String> known = podUids();
        for (RuntimeContainer c : context.runtime().list()) {
            if (!known.contains(c.labels().podUid())) {
                log.info(
                        "Removing container {} of pod {}/{} ({}), which is no longer bound to this node",
                        c.labels().containerName(),
                        c.labels().podNamespace(),
                        c.labels().podName(),
                        c.labels().podUid());
                context.runtime().stop(c.id(), Duration.ZERO);
                context.runtime().remove(c.id());
            }
        }
        Path dir = context.podsDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (!known.contains(entry.getFileName().toString())) {
                    PodVolumes.deleteTree(entry);
                }
            }
        } catch (IOException e) {
            log.warn("Cannot clean {}: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timers.shutdownNow();
        pool.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
