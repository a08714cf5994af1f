package io.capstan.controllers.scheduler;

import com.google.protobuf.Timestamp;
import io.capstan.client.ConflictException;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.controller.Controller;
import io.capstan.client.controller.Reconciler;
import io.capstan.client.controller.Result;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.events.EventRecorder;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.client.informer.Informer;
import io.capstan.client.workqueue.WorkQueue;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's loop, as kube-scheduler's: pending pods (no spec.nodeName) go through a work
 * queue; each is placed by {@link SchedulingAlgorithm} over the {@link ClusterSnapshot}, assumed
 * there at once, and bound by an update of its spec.nodeName guarded by the resourceVersion read.
 *
 * <p><b>Outcomes.</b>
 *
 * <ul>
 *   <li>Bound: an Event {@code Scheduled} ("Successfully assigned ns/pod to node"). If the pod
 *       carried {@code PodScheduled=False} from an earlier failure, that condition turns True once
 *       the binding is seen; otherwise PodScheduled=True is left to the kubelet, so a binding costs
 *       one write.
 *   <li>Fits nowhere: the pod stays Pending with {@code PodScheduled=False}, reason {@code
 *       Unschedulable} and kube-scheduler's message ("0/3 nodes are available: ..."), written only
 *       when it changed, and an Event {@code FailedScheduling} with the same message (repeats
 *       aggregate into one Event's count). The pod is parked until the cluster changes in a way
 *       that might make room: a node added, or one whose readiness, cordon, taints, labels or
 *       allocatable changed, or a counted pod finished, deleted or its assumed binding dropped.
 *       Then every parked pod is tried again, each once its back-off (1 s doubling to 10 s per
 *       failed attempt, as kube-scheduler's) since its last attempt has passed; see {@link
 *       UnschedulablePods}. As a safety net, a parked pod is also tried every {@link
 *       #UNSCHEDULABLE_RETRY}.
 *   <li>Binding conflict (the pod changed since it was read): the assumption is dropped and the
 *       reconcile throws, so the runner retries with back-off from a fresher cache. A conflict after
 *       a retried call may be our own first attempt: the pod is read to tell.
 *   <li>A request that is not a quantity (only a pod that bypassed validation has one): an Event
 *       {@code FailedScheduling} naming the field, and no retry.
 * </ul>
 *
 * <p><b>Handlers</b> keep the snapshot current (kube-scheduler's cache handlers: O(1) per event)
 * and map events to keys: a pending pod when it is added or its spec or metadata changed (not on
 * status-only updates, so writing the condition does not requeue it); a bound pod still carrying
 * our {@code PodScheduled=False}; and the parked pods when the cluster changed as above.
 *
 * <p><b>Threads.</b> Workers schedule one pod at a time each; the choice and the assumption are
 * one atomic step of the snapshot, so concurrent workers never overcommit a node, and the bindings
 * (API calls) run in parallel. Run one scheduler per cluster: the controller-manager's leader
 * election provides that.
 */
public final class SchedulerController implements Reconciler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulerController.class);

    /** kube-scheduler's name, used as the Events' source and reporting controller. */
    public static final String COMPONENT = "default-scheduler";
    /**
     * How many pods are scheduled and bound at once by default. A binding is a blocking API call,
     * and the store commits concurrent writes together, so throughput grows with the bindings in
     * flight: with an in-process control plane on a heavily loaded 2-core machine, 16 workers bound
     * about 100 pods/s, 64 about 170 to 300 and 128 about 260 to 370 (see SchedulerThroughput).
     */
    public static final int DEFAULT_WORKERS = 128;
    /** kube-scheduler's podMaxInUnschedulablePodsDuration: a parked pod is tried again this often. */
    static final Duration UNSCHEDULABLE_RETRY = Duration.ofMinutes(5);

    static final String POD_SCHEDULED = "PodScheduled";
    static final String REASON_UNSCHEDULABLE = "Unschedulable";
    static final String EVENT_SCHEDULED = "Scheduled";
    static final String EVENT_FAILED_SCHEDULING = "FailedScheduling";

    private static final int EVENT_THREADS = 4;
    private static final int EVENT_QUEUE_CAPACITY = 10_000;

    private final Indexer<Pod> pods;
    private final ClusterSnapshot snapshot;
    private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();
    private final Binder binder;
    private final EventRecorder events;
    private final InstantSource clock;
    private final WorkQueue<ObjectKey> queue;
    private final UnschedulablePods unschedulable;
    private final @Nullable Controller runner;
    private final @Nullable ApiEventRecorder ownedRecorder;
    // informers this scheduler made for itself: started by start(), closed by close()
    private final List<Informer<?>> ownedInformers = new ArrayList<>();

    /** For tests: no runner; they call {@link #reconcile} and the handlers themselves. */
    SchedulerController(
            Indexer<Pod> pods,
            ClusterSnapshot snapshot,
            Binder binder,
            EventRecorder events,
            InstantSource clock,
            WorkQueue<ObjectKey> queue) {
        this(pods, snapshot, binder, events, clock, queue, null, 0);
    }

    private SchedulerController(
            Indexer<Pod> pods,
            ClusterSnapshot snapshot,
            Binder binder,
            EventRecorder events,
            InstantSource clock,
            WorkQueue<ObjectKey> queue,
            @Nullable List<Informer<?>> informers,
            int workers) {
        this.pods = pods;
        this.snapshot = snapshot;
        this.binder = binder;
        this.events = events;
        this.clock = clock;
        this.queue = queue;
        this.unschedulable = new UnschedulablePods(clock);
        this.ownedRecorder = events instanceof ApiEventRecorder recorder ? recorder : null;
        if (informers == null) {
            this.runner = null;
        } else {
            Controller.Builder builder =
                    Controller.named("scheduler").reconciler(this).queue(queue).workers(workers);
            for (Informer<?> informer : informers) {
                // registered so that the workers wait for the informer to sync; the keys come from
                // the scheduler's own handlers
                builder.watch(informer, object -> List.of());
            }
            this.runner = builder.build();
        }
    }

    /**
     * A scheduler over {@code pods} (every namespace) and {@code nodes}, writing through {@code
     * client}. The informers are shared and started by the caller; {@link #start()} starts the
     * workers, which wait for both informers to sync.
     *
     * <p>Create it before the informers start, as the controller-manager wires its controllers:
     * then its handlers see the informers' first lists, and "synced" means the snapshot holds every
     * node and bound pod. Over informers already running, the handlers are brought up to date on the
     * informers' threads after this returns, and the first pods could be decided on a partial
     * snapshot (the informer offers no per-handler synced signal yet).
     *
     * @param instance identifies this process in its Events' reportingInstance
     * @param workers how many pods are scheduled and bound at once
     */
    public static SchedulerController create(
            ObjectClient client,
            Informer<Pod> pods,
            Informer<Node> nodes,
            InstantSource clock,
            String instance,
            int workers) {
        ApiEventRecorder recorder = ApiEventRecorder.builder(client.events(), COMPONENT)
                .instance(instance)
                .clock(clock)
                .reportingController(COMPONENT)
                .threads(EVENT_THREADS)
                .backlog(EVENT_QUEUE_CAPACITY)
                .build();
        SchedulerController scheduler = new SchedulerController(
                pods.indexer(),
                new ClusterSnapshot(),
                new ApiBinder(client.pods()),
                recorder,
                clock,
                WorkQueue.create("scheduler"),
                List.of(pods, nodes),
                workers);
        pods.addHandler(scheduler.podHandler());
        nodes.addHandler(scheduler.nodeHandler());
        return scheduler;
    }

    /**
     * A scheduler with informers of its own over every pod and node, which {@link #start()} starts
     * and {@link #close()} closes: what the controller-manager runs for each term of leadership,
     * with fresh caches each time.
     */
    public static SchedulerController create(ObjectClient client, InstantSource clock, String instance, int workers) {
        Informer<Pod> pods = Informer.create(client.pods(), ListOptions.all(), Duration.ZERO);
        Informer<Node> nodes = Informer.create(client.nodes(), ListOptions.all(), Duration.ZERO);
        SchedulerController scheduler = create(client, pods, nodes, clock, instance, workers);
        scheduler.ownedInformers.add(pods);
        scheduler.ownedInformers.add(nodes);
        return scheduler;
    }

    /** Starts its own informers, if it has them, and the workers; they take pods once the informers have synced. */
    public void start() {
        if (runner == null) {
            throw new IllegalStateException("a scheduler built for tests has no runner");
        }
        ownedInformers.forEach(Informer::start);
        runner.start();
    }

    /**
     * Stops the workers (each finishes its pod) and its own informers, then writes the queued
     * Events for up to 5 s. Handlers it added to shared informers stay registered (the informer
     * cannot remove one) but only update this scheduler's snapshot and its shut-down queue.
     */
    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
        ownedInformers.forEach(Informer::close);
        if (ownedRecorder != null) {
            ownedRecorder.close();
        }
    }

    private static ObjectReference reference(Pod pod) {
        return EventRecorder.reference("v1", "Pod", pod.getMetadata());
    }

    /** How many pods wait for the cluster to change. */
    public int unschedulableCount() {
        return unschedulable.size();
    }

    @Override
    public Result reconcile(ObjectKey key) {
        Optional<Pod> found = pods.get(key);
        if (found.isEmpty()) {
            unschedulable.remove(key);
            return Result.done();
        }
        Pod pod = found.get();
        if (!pod.getSpec().getNodeName().isEmpty()) {
            unschedulable.remove(key);
            markScheduled(pod);
            return Result.done();
        }
        if (!needsScheduling(pod)) {
            return Result.done(); // being deleted
        }
        if (snapshot.assumedNode(pod.getMetadata().getUid()).isPresent()) {
            return Result.done(); // our binding is in flight; the pod's next event confirms or it was dropped
        }
        PodInfo info;
        try {
            info = PodInfo.of(pod);
        } catch (IllegalArgumentException e) {
            events.record(
                    reference(pod), Event.Type.TYPE_WARNING, EVENT_FAILED_SCHEDULING, String.valueOf(e.getMessage()));
            return Result.done();
        }
        long cycle = unschedulable.cycle();
        ScheduleResult result = snapshot.scheduleAndAssume(info, algorithm);
        Optional<String> node = result.selectedNode();
        if (node.isPresent()) {
            return bind(key, pod, node.get());
        }
        return parkUnschedulable(key, pod, result.message(), cycle);
    }

    private Result bind(ObjectKey key, Pod pod, String node) {
        boolean bound = false;
        try {
            bound = tryBind(key, pod, node);
        } finally {
            if (!bound) {
                // whatever went wrong, an assumption left behind would hold the pod "in flight" forever
                forget(pod.getMetadata().getUid());
            }
        }
        if (!bound) {
            return Result.done(); // deleted meanwhile
        }
        log.debug("Bound pod {} to node {}", key, node);
        events.record(
                reference(pod),
                Event.Type.TYPE_NORMAL,
                EVENT_SCHEDULED,
                "Successfully assigned " + key + " to " + node);
        return Result.done();
    }

    /** True if the pod is bound to {@code node}; false if it is gone; throws on anything else. */
    private boolean tryBind(ObjectKey key, Pod pod, String node) {
        try {
            binder.bind(pod, node);
            return true;
        } catch (ConflictException e) {
            if (e.afterRetry() && isBoundTo(key, pod.getMetadata().getUid(), node)) {
                return true;
            }
            throw e;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** After a conflict on a retried bind: whether the first attempt bound the pod as we asked. */
    private boolean isBoundTo(ObjectKey key, String uid, String node) {
        try {
            Pod current = binder.get(key);
            return current.getMetadata().getUid().equals(uid)
                    && current.getSpec().getNodeName().equals(node);
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void forget(String podUid) {
        if (snapshot.forget(podUid)) {
            wakeUnschedulable(); // the room it held is free again
        }
    }

    private Result parkUnschedulable(ObjectKey key, Pod pod, String message, long cycle) {
        log.debug("Pod {} fits no node: {}", key, message);
        try {
            setCondition(pod, ConditionStatus.CONDITION_STATUS_FALSE, REASON_UNSCHEDULABLE, message);
        } catch (NotFoundException e) {
            return Result.done();
        }
        events.record(reference(pod), Event.Type.TYPE_WARNING, EVENT_FAILED_SCHEDULING, message);
        // not parked if the cluster changed while the pod was being tried, perhaps in its favour
        unschedulable.park(key, cycle).ifPresent(backoff -> queue.addAfter(key, backoff));
        return Result.requeueAfter(UNSCHEDULABLE_RETRY);
    }

    /** Turns our PodScheduled=False into True on a pod that is now bound. */
    private void markScheduled(Pod pod) {
        if (!hasStaleUnschedulableCondition(pod)) {
            return;
        }
        try {
            setCondition(pod, ConditionStatus.CONDITION_STATUS_TRUE, "", "");
        } catch (NotFoundException e) {
            // deleted: nothing to mark
        }
    }

    /** Writes the PodScheduled condition unless it already says this; keeps the transition time if the status stays. */
    private void setCondition(Pod pod, ConditionStatus status, String reason, String message) {
        Condition current = podScheduled(pod);
        if (current != null
                && current.getStatus() == status
                && current.getReason().equals(reason)
                && current.getMessage().equals(message)) {
            return;
        }
        Timestamp transition = current != null && current.getStatus() == status
                ? current.getLastTransitionTime()
                : timestamp(clock.instant());
        Condition condition = Condition.newBuilder()
                .setType(POD_SCHEDULED)
                .setStatus(status)
                .setReason(reason)
                .setMessage(message)
                .setLastTransitionTime(transition)
                .build();
        Pod.Builder updated = pod.toBuilder();
        List<Condition> conditions = updated.getStatus().getConditionsList();
        int index = -1;
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).getType().equals(POD_SCHEDULED)) {
                index = i;
            }
        }
        if (index < 0) {
            updated.getStatusBuilder().addConditions(condition);
        } else {
            updated.getStatusBuilder().setConditions(index, condition);
        }
        binder.updateStatus(updated.build());
    }

    // ---------------------------------------------------------------------------------------------
    // handlers: keep the snapshot current and map events to keys

    EventHandler<Pod> podHandler() {
        return new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (snapshot.upsertPod(pod)) {
                    wakeUnschedulable();
                }
                if (needsScheduling(pod) || hasStaleUnschedulableCondition(pod)) {
                    queue.add(ObjectKey.of(pod.getMetadata()));
                }
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                if (snapshot.upsertPod(pod)) {
                    wakeUnschedulable();
                }
                ObjectKey key = ObjectKey.of(pod.getMetadata());
                boolean resync = oldPod.equals(pod);
                if (needsScheduling(pod)) {
                    if (resync || specOrMetadataChanged(oldPod, pod)) {
                        queue.add(key);
                    }
                } else {
                    unschedulable.remove(key);
                    if (hasStaleUnschedulableCondition(pod)) {
                        queue.add(key);
                    }
                }
            }

            @Override
            public void onDelete(Pod pod) {
                if (snapshot.removePod(pod)) {
                    wakeUnschedulable();
                }
                unschedulable.remove(ObjectKey.of(pod.getMetadata()));
            }
        };
    }

    EventHandler<Node> nodeHandler() {
        return new EventHandler<>() {
            @Override
            public void onAdd(Node node) {
                if (snapshot.upsertNode(node)) {
                    wakeUnschedulable();
                }
            }

            @Override
            public void onUpdate(Node oldNode, Node node) {
                if (snapshot.upsertNode(node)) {
                    wakeUnschedulable();
                }
            }

            @Override
            public void onDelete(Node node) {
                snapshot.removeNode(node.getMetadata().getName());
            }
        };
    }

    private void wakeUnschedulable() {
        for (UnschedulablePods.Wake wake : unschedulable.clusterChanged()) {
            queue.addAfter(wake.key(), wake.delay());
        }
    }

    /** Pending: not bound, not being deleted, not finished. */
    static boolean needsScheduling(Pod pod) {
        return pod.getSpec().getNodeName().isEmpty()
                && !pod.getMetadata().hasDeletionTimestamp()
                && PodInfo.holdsResources(pod);
    }

    /** Bound, but still carrying the PodScheduled=False this scheduler wrote while it fit nowhere. */
    static boolean hasStaleUnschedulableCondition(Pod pod) {
        if (pod.getSpec().getNodeName().isEmpty()) {
            return false;
        }
        Condition condition = podScheduled(pod);
        return condition != null
                && condition.getStatus() != ConditionStatus.CONDITION_STATUS_TRUE
                && condition.getReason().equals(REASON_UNSCHEDULABLE);
    }

    /** Whether anything but status and resourceVersion changed (kube-scheduler's isPodUpdated). */
    private static boolean specOrMetadataChanged(Pod oldPod, Pod pod) {
        return !oldPod.getSpec().equals(pod.getSpec())
                || !oldPod.getMetadata().toBuilder()
                        .clearResourceVersion()
                        .build()
                        .equals(pod.getMetadata().toBuilder()
                                .clearResourceVersion()
                                .build());
    }

    private static @Nullable Condition podScheduled(Pod pod) {
        for (Condition condition : pod.getStatus().getConditionsList()) {
            if (condition.getType().equals(POD_SCHEDULED)) {
                return condition;
            }
        }
        return null;
    }

    private static Timestamp timestamp(Instant at) {
        // whole seconds, as Kubernetes' metav1.Time in conditions
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).build();
    }
}
