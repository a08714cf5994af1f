package io.capstan.bench;

import io.capstan.client.informer.EventHandler;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.IntSummaryStatistics;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Pod startup as a watch sees it, the way Kubernetes' density test measures it: for every pod of
 * the run, when this JVM first saw it (the ADDED event), when it first saw it bound to a node, and
 * when it first saw it Running with its Ready condition True. Fed by an informer on the run's
 * namespace (handlers are called on one thread); read from another thread, hence synchronized.
 *
 * <p>Two startup latencies come out of it: from the watch-observed creation (both ends read on
 * this JVM's monotonic clock) and from the pod's {@code creationTimestamp}, which the API server
 * writes in whole seconds (truncated), so that figure reads up to 1 s high.
 */
final class PodStartups implements EventHandler<Pod>, TimedRuntime.Listener {
    private final LongSupplier nanoTime;
    private final InstantSource wallClock;
    private final Map<String, Track> byUid = new HashMap<>();
    private final Map<String, Long> containerCreatingNanos = new HashMap<>();
    private final Map<String, Long> containerStartedNanos = new HashMap<>();
    private int running;
    private int deleted;

    private static final class Track {
        final long seenNanos;
        final long createdEpochSeconds;
        long scheduledNanos = -1;
        long runningNanos = -1;
        long runningEpochMillis = -1;
        String node = "";
        int updates;

        Track(long seenNanos, long createdEpochSeconds) {
            this.seenNanos = seenNanos;
            this.createdEpochSeconds = createdEpochSeconds;
        }
    }

    /** What a run's pods did, once it is over. */
    record Result(
            int pods,
            int scheduled,
            int running,
            int deleted,
            LatencyHistogram startup,
            LatencyHistogram startupFromCreationTimestamp,
            LatencyHistogram createToScheduled,
            LatencyHistogram scheduledToRunning,
            LatencyHistogram scheduledToContainerCreating,
            LatencyHistogram containerCreatingToStarted,
            LatencyHistogram containerStartedToRunning,
            IntSummaryStatistics podsPerNode,
            IntSummaryStatistics updatesPerPod) {}

    PodStartups(LongSupplier nanoTime, InstantSource wallClock) {
        this.nanoTime = nanoTime;
        this.wallClock = wallClock;
    }

    static PodStartups systemClocks() {
        return new PodStartups(System::nanoTime, InstantSource.system());
    }

    @Override
    public synchronized void onAdd(Pod pod) {
        observe(trackOf(pod), pod);
    }

    @Override
    public synchronized void onUpdate(Pod oldPod, Pod newPod) {
        if (oldPod == newPod) {
            return; // a resync, not a change
        }
        Track track = trackOf(newPod);
        track.updates++;
        observe(track, newPod);
    }

    @Override
    public synchronized void onDelete(Pod pod) {
        deleted++;
    }

    /** A kubelet begins to create a container of the pod {@code podUid} (the first one counts). */
    @Override
    public synchronized void creating(String podUid, long nanoTime) {
        containerCreatingNanos.putIfAbsent(podUid, nanoTime);
    }

    /**
     * A kubelet started a container of the pod {@code podUid} (the first start counts): splits the
     * pod's time on its node into the kubelet's part and the status write's.
     */
    @Override
    public synchronized void started(String podUid, long nanoTime) {
        containerStartedNanos.putIfAbsent(podUid, nanoTime);
    }

    /** Pods seen Running and Ready so far. */
    synchronized int running() {
        return running;
    }

    /** Pods seen so far. */
    synchronized int seen() {
        return byUid.size();
    }

    /** Pods whose deletion was seen so far. */
    synchronized int deleted() {
        return deleted;
    }

    synchronized Result result() {
        LatencyHistogram startup = new LatencyHistogram();
        LatencyHistogram fromTimestamp = new LatencyHistogram();
        LatencyHistogram toScheduled = new LatencyHistogram();
        LatencyHistogram toRunning = new LatencyHistogram();
        LatencyHistogram toContainerCreating = new LatencyHistogram();
        LatencyHistogram creatingToStarted = new LatencyHistogram();
        LatencyHistogram containerStartedToRunning = new LatencyHistogram();
        Map<String, Integer> perNode = new HashMap<>();
        IntSummaryStatistics updates = new IntSummaryStatistics();
        int scheduled = 0;
        for (Map.Entry<String, Track> e : byUid.entrySet()) {
            Track t = e.getValue();
            Long containerStarted = containerStartedNanos.get(e.getKey());
            Long containerCreating = containerCreatingNanos.get(e.getKey());
            updates.accept(t.updates);
            if (t.scheduledNanos >= 0) {
                scheduled++;
                toScheduled.recordNanos(t.scheduledNanos - t.seenNanos);
                perNode.merge(t.node, 1, Integer::sum);
            }
            if (t.runningNanos >= 0) {
                startup.recordNanos(t.runningNanos - t.seenNanos);
                fromTimestamp.recordNanos((t.runningEpochMillis - t.createdEpochSeconds * 1000) * 1_000_000);
                if (t.scheduledNanos >= 0) {
                    toRunning.recordNanos(t.runningNanos - t.scheduledNanos);
                }
                if (containerStarted != null) {
                    containerStartedToRunning.recordNanos(t.runningNanos - containerStarted);
                }
            }
            if (containerCreating != null && t.scheduledNanos >= 0) {
                toContainerCreating.recordNanos(containerCreating - t.scheduledNanos);
            }
            if (containerCreating != null && containerStarted != null) {
                creatingToStarted.recordNanos(containerStarted - containerCreating);
            }
        }
        IntSummaryStatistics podsPerNode =
                perNode.values().stream().mapToInt(Integer::intValue).summaryStatistics();
        return new Result(
                byUid.size(),
                scheduled,
                running,
                deleted,
                startup,
                fromTimestamp,
                toScheduled,
                toRunning,
                toContainerCreating,
                creatingToStarted,
                containerStartedToRunning,
                podsPerNode,
                updates);
    }

    private Track trackOf(Pod pod) {
        return byUid.computeIfAbsent(
                pod.getMetadata().getUid(),
                uid -> new Track(
                        nanoTime.getAsLong(),
                        pod.getMetadata().getCreationTimestamp().getSeconds()));
    }

    private void observe(Track track, Pod pod) {
        if (track.scheduledNanos < 0 && !pod.getSpec().getNodeName().isEmpty()) {
            track.scheduledNanos = nanoTime.getAsLong();
            track.node = pod.getSpec().getNodeName();
        }
        if (track.runningNanos < 0 && runningAndReady(pod.getStatus())) {
            track.runningNanos = nanoTime.getAsLong();
            track.runningEpochMillis = wallClock.millis();
            if (track.scheduledNanos < 0) {
                track.scheduledNanos = track.runningNanos;
                track.node = pod.getSpec().getNodeName();
            }
            running++;
        }
    }

    static boolean runningAndReady(PodStatus status) {
        if (status.getPhase() != PodStatus.Phase.PHASE_RUNNING) {
            return false;
        }
        @Nullable Condition ready = null;
        for (Condition condition : status.getConditionsList()) {
            if (condition.getType().equals("Ready")) {
                ready = condition;
            }
        }
        return ready != null && ready.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE;
    }
}
