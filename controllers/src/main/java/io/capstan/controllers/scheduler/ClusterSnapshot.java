package io.capstan.controllers.scheduler;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's cache, as kube-scheduler's: every node with the sums of what the pods bound to it
 * request, updated incrementally from pod and node events, plus the bindings the scheduler has
 * <em>assumed</em> but the API has not yet confirmed.
 *
 * <p><b>Assume, then confirm or forget.</b> {@link #scheduleAndAssume} picks a node and counts the
 * pod there at once, before the binding is written, so the next pod of a burst sees that node
 * fuller and goes elsewhere. When the informer later delivers the pod with {@code spec.nodeName}
 * set, {@link #upsertPod} confirms the assumption; when the binding fails, {@link #forget} takes it
 * back. An assumed pod never expires on a timer (kube-scheduler's default since it binds through
 * the API too): the pod's own event always arrives, whichever way the binding went.
 *
 * <p>Example, nodes n1 (1 cpu) and n2 (2 cpu), nothing bound; three pods asking 1 cpu each:
 *
 * <pre>
 * scheduleAndAssume(a) -> n2   n1: 0/1000m     n2: 1000/2000m (a assumed)
 * scheduleAndAssume(b) -> n1   n1: 1000/1000m  (b assumed)
 * scheduleAndAssume(c) -> n2                   n2: 2000/2000m (c assumed)
 * scheduleAndAssume(d) -> none "0/2 nodes are available: 2 Insufficient cpu."
 * forget(b)                    n1: 0/1000m     (b's binding failed: n1 has room again)
 * upsertPod(a bound to n2)     a confirmed; nothing changes in the sums
 * </pre>
 *
 * <p>Pods count on their node while they are bound and not Succeeded or Failed; a pod being deleted
 * still counts until it is gone. A pod may name a node before that Node is seen (or after it is
 * deleted): it is counted on a placeholder that is never chosen.
 *
 * <p>Thread-safe: every method takes one lock, and scheduling a pod holds it for one pass over the
 * nodes.
 */
final class ClusterSnapshot {
    private static final Logger log = LoggerFactory.getLogger(ClusterSnapshot.class);

    /** A pod counted on a node: bound (confirmed by the API) or assumed. */
    private record TrackedPod(PodInfo info, String nodeName, boolean assumed) {}

    /** How much of a node the pods bound or assumed there request, for tests and diagnostics. */
    record NodeUsage(long milliCpu, long memoryBytes, int pods) {}

    private final Object lock = new Object();
    // by node name, including placeholders without a Node; guarded by lock
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    // the entries of nodes that have a Node, by name: what the algorithm sees; guarded by lock
    private List<NodeInfo> known = List.of();
    // by pod uid; guarded by lock
    private final Map<String, TrackedPod> pods = new HashMap<>();

    /**
     * Adds or replaces a node.
     *
     * @return whether a pod that fit nowhere might fit now: the node is new, or its readiness,
     *     schedulability, taints, labels or allocatable changed (a heartbeat alone changes none)
     */
    boolean upsertNode(Node node) {
        String name = node.getMetadata().getName();
        synchronized (lock) {
            NodeInfo info = nodes.get(name);
            if (info == null) {
                nodes.put(name, NodeInfo.of(node));
                rebuildKnown();
                return true;
            }
            Node old = info.node();
            info.setNode(node);
            if (old == null) {
                rebuildKnown();
                return true;
            }
            return schedulingFactsDiffer(old, node);
        }
    }

    /** Removes a node; pods still bound to it stay counted (on a placeholder) until they go. */
    void removeNode(String name) {
        synchronized (lock) {
            NodeInfo info = nodes.get(name);
            if (info == null || info.node() == null) {
                return;
            }
            info.clearNode();
            if (info.hasNoPods()) {
                nodes.remove(name);
            }
            rebuildKnown();
        }
    }

    /**
     * Takes in the current state of a pod: counts it on its node if it is bound and holds resources,
     * confirms an assumed binding, and stops counting a pod that has finished.
     *
     * @return whether resources were freed (a counted pod finished), so a pod that fit nowhere
     *     might fit now
     */
    boolean upsertPod(Pod pod) {
        String uid = pod.getMetadata().getUid();
        String nodeName = pod.getSpec().getNodeName();
        synchronized (lock) {
            TrackedPod tracked = pods.get(uid);
            if (nodeName.isEmpty()) {
                // not bound yet as far as this event knows; an assumed binding of it is in flight
                return false;
            }
            if (!PodInfo.holdsResources(pod)) {
                return untrack(uid);
            }
            if (tracked != null) {
                if (tracked.nodeName().equals(nodeName)) {
                    if (tracked.assumed()) {
                        pods.put(uid, new TrackedPod(tracked.info(), nodeName, false));
                    }
                    return false;
                }
                // bound elsewhere than assumed (another scheduler, or by hand): count it where it is
                untrack(uid);
            }
            PodInfo info;
            try {
                info = PodInfo.of(pod);
            } catch (IllegalArgumentException e) {
                log.warn("Pod {} bound to {} is not counted: {}", key(pod), nodeName, e.getMessage());
                return false;
            }
            track(info, nodeName, false);
            return false;
        }
    }

    /**
     * Stops counting a pod that is gone.
     *
     * @return whether it was counted on a node, so a pod that fit nowhere might fit now
     */
    boolean removePod(Pod pod) {
        synchronized (lock) {
            return untrack(pod.getMetadata().getUid());
        }
    }

    /**
     * Runs {@code algorithm} for {@code pod} over the known nodes and, if it chooses one, assumes the
     * pod there, in one step under the lock. A pod already counted (assumed or bound) is not
     * scheduled again: the result names its node.
     */
    ScheduleResult scheduleAndAssume(PodInfo pod, SchedulingAlgorithm algorithm) {
        synchronized (lock) {
            TrackedPod tracked = pods.get(pod.uid());
            if (tracked != null) {
                return ScheduleResult.scheduled(tracked.nodeName(), known.size(), new TreeMap<>());
            }
            ScheduleResult result = algorithm.schedule(pod, known);
            result.selectedNode().ifPresent(node -> track(pod, node, true));
            return result;
        }
    }

    /**
     * Counts {@code pod} on {@code nodeName} before the API confirms the binding.
     *
     * @throws IllegalStateException if the pod is already counted on a node
     */
    void assume(PodInfo pod, String nodeName) {
        synchronized (lock) {
            TrackedPod tracked = pods.get(pod.uid());
            if (tracked != null) {
                throw new IllegalStateException(String.format(
                        "pod %s is already %s on node %s",
                        pod.key(), tracked.assumed() ? "assumed" : "bound", tracked.nodeName()));
            }
            track(pod, nodeName, true);
        }
    }

    /**
     * Takes back an assumed binding that failed. Does nothing if the pod is not assumed, in
     * particular if its binding was confirmed meanwhile.
     *
     * @return whether an assumed binding was taken back
     */
    boolean forget(String podUid) {
        synchronized (lock) {
            TrackedPod tracked = pods.get(podUid);
            if (tracked == null || !tracked.assumed()) {
                return false;
            }
            return untrack(podUid);
        }
    }

    /** The node a pod is assumed on, if its binding is assumed and not yet confirmed. */
    Optional<String> assumedNode(String podUid) {
        synchronized (lock) {
            TrackedPod tracked = pods.get(podUid);
            return tracked != null && tracked.assumed() ? Optional.of(tracked.nodeName()) : Optional.empty();
        }
    }

    /** What the pods counted on {@code nodeName} request; empty if the node is unknown. */
    Optional<NodeUsage> usage(String nodeName) {
        synchronized (lock) {
            NodeInfo info = nodes.get(nodeName);
            return info == null
                    ? Optional.empty()
                    : Optional.of(
                            new NodeUsage(info.requestedMilliCpu(), info.requestedMemoryBytes(), info.podCount()));
        }
    }

    /** How many nodes with a Node object the snapshot holds. */
    int nodeCount() {
        synchronized (lock) {
            return known.size();
        }
    }

    // guarded by lock
    private void track(PodInfo info, String nodeName, boolean assumed) {
        nodes.computeIfAbsent(nodeName, NodeInfo::new).addPod(info);
        pods.put(info.uid(), new TrackedPod(info, nodeName, assumed));
    }

    // guarded by lock
    private boolean untrack(String uid) {
        TrackedPod tracked = pods.remove(uid);
        if (tracked == null) {
            return false;
        }
        NodeInfo node = Objects.requireNonNull(nodes.get(tracked.nodeName()), "node of a tracked pod");
        node.removePod(tracked.info());
        if (node.node() == null && node.hasNoPods()) {
            nodes.remove(tracked.nodeName());
        }
        return true;
    }

    // guarded by lock
    private void rebuildKnown() {
        List<NodeInfo> list = new ArrayList<>(nodes.size());
        for (NodeInfo info : nodes.values()) {
            if (info.node() != null) {
                list.add(info);
            }
        }
        list.sort(Comparator.comparing(NodeInfo::name));
        known = List.copyOf(list);
    }

    private static boolean schedulingFactsDiffer(Node old, Node updated) {
        return !old.getSpec().equals(updated.getSpec())
                || !old.getMetadata()
                        .getLabelsMap()
                        .equals(updated.getMetadata().getLabelsMap())
                || !old.getStatus()
                        .getAllocatableMap()
                        .equals(updated.getStatus().getAllocatableMap())
                || readiness(old) != readiness(updated);
    }

    private static ConditionStatus readiness(Node node) {
        for (NodeCondition condition : node.getStatus().getConditionsList()) {
            if (condition.getType().equals("Ready")) {
                return condition.getStatus();
            }
        }
        return ConditionStatus.CONDITION_STATUS_UNSPECIFIED;
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
