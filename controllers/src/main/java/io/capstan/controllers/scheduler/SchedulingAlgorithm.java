package io.capstan.controllers.scheduler;

import io.capstan.controllers.scheduler.PodInfo.HostPort;
import io.capstan.proto.api.v1.Taint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Chooses a node for a pod, as kube-scheduler's default profile does for the features Capstan has:
 * filter out the nodes the pod cannot run on, score the rest, take the best.
 *
 * <p><b>Filters</b>, in kube-scheduler's order; a node fails at the first filter that rejects it,
 * with that filter's reasons (kube-scheduler's words, which {@link ScheduleResult#message()} counts):
 *
 * <ol>
 *   <li>Ready: the node's Ready condition is True, unless the pod tolerates the not-ready (False)
 *       or unreachable (Unknown) NoSchedule taint: {@code node(s) were not ready}.
 *   <li>NodeUnschedulable: not cordoned, unless the pod tolerates {@code
 *       node.kubernetes.io/unschedulable:NoSchedule}: {@code node(s) were unschedulable}.
 *   <li>TaintToleration: every NoSchedule and NoExecute taint tolerated: {@code node(s) had
 *       untolerated taint {key: value}}, naming the first one.
 *   <li>NodeAffinity: the node's labels include the pod's nodeSelector: {@code node(s) didn't match
 *       Pod's node affinity/selector}.
 *   <li>NodePorts: none of the pod's fixed host ports (protocol and port) is used by a pod bound
 *       there: {@code node(s) didn't have free ports for the requested pod ports}.
 *   <li>NodeResourcesFit: one more pod fits the node's "pods" allocatable ({@code Too many pods}),
 *       and each resource the pod requests (more than 0 of) fits allocatable minus the requests of
 *       the pods bound there ({@code Insufficient cpu}, {@code Insufficient memory}, {@code
 *       Insufficient <resource>}), one reason per resource.
 * </ol>
 *
 * <p><b>Scores</b>, each from 0 to 100, weighted as in kube-scheduler's defaults and summed:
 *
 * <ul>
 *   <li>NodeResourcesLeastAllocated (weight {@value #RESOURCE_WEIGHT}): for cpu and memory,
 *       {@code (allocatable - requested) * 100 / allocatable} with the pod's request added and with
 *       the non-zero defaults for requests left out; cpu and memory weigh the same.
 *   <li>Spreading (weight {@value #SPREAD_WEIGHT}, as PodTopologySpread's): fewer pods of the same
 *       controller (ownerReference with controller = true, by uid) on the node score higher: {@code
 *       100 * (max - count) / max} over the feasible nodes, 100 everywhere when none has one.
 *   <li>TaintToleration (weight {@value #TAINT_WEIGHT}): fewer PreferNoSchedule taints the pod does
 *       not tolerate score higher, normalised the same way.
 * </ul>
 *
 * <p>Ties go to the first node in the order given (the snapshot gives nodes by name), so a decision
 * is repeatable; kube-scheduler picks among ties at random instead.
 *
 * <p>Cost: one pass over the nodes, each filter and score O(1) in the number of pods (the snapshot
 * keeps per-node sums, ports and controller counts), so scheduling a pod is O(nodes).
 *
 * <p>Stateless and thread-safe; the nodes must not change during a call (the snapshot calls it
 * under its lock).
 */
final class SchedulingAlgorithm {
    static final int MAX_NODE_SCORE = 100;
    static final int RESOURCE_WEIGHT = 1;
    static final int SPREAD_WEIGHT = 2;
    static final int TAINT_WEIGHT = 3;

    static final String REASON_NOT_READY = "node(s) were not ready";
    static final String REASON_UNSCHEDULABLE = "node(s) were unschedulable";
    static final String REASON_NODE_SELECTOR = "node(s) didn't match Pod's node affinity/selector";
    static final String REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
    static final String REASON_TOO_MANY_PODS = "Too many pods";

    private static final Taint UNSCHEDULABLE = Tolerations.noSchedule(Tolerations.UNSCHEDULABLE_TAINT);

    /**
     * Filters and scores {@code nodes} for {@code pod}. Entries without a Node object are skipped and
     * not counted.
     */
    ScheduleResult schedule(PodInfo pod, Collection<NodeInfo> nodes) {
        NodeInfo[] feasible = new NodeInfo[nodes.size()];
        int feasibleCount = 0;
        int nodeCount = 0;
        SortedMap<String, List<String>> reasons = new TreeMap<>();
        for (NodeInfo node : nodes) {
            if (node.node() == null) {
                continue;
            }
            nodeCount++;
            List<String> rejected = filter(pod, node);
            if (rejected == null) {
                feasible[feasibleCount++] = node;
            } else {
                reasons.put(node.name(), rejected);
            }
        }
        if (feasibleCount == 0) {
            return ScheduleResult.unschedulable(nodeCount, reasons);
        }
        return ScheduleResult.scheduled(select(pod, feasible, feasibleCount).name(), nodeCount, reasons);
    }

    /** Why {@code pod} cannot run on {@code node}, or null if it can. */
    static @Nullable List<String> filter(PodInfo pod, NodeInfo node) {
        Taint readiness = node.readinessTaint();
        if (readiness != null && !Tolerations.anyTolerates(pod.tolerations(), readiness)) {
            return List.of(REASON_NOT_READY);
        }
        if (node.isUnschedulable() && !Tolerations.anyTolerates(pod.tolerations(), UNSCHEDULABLE)) {
            return List.of(REASON_UNSCHEDULABLE);
        }
        Taint untolerated = Tolerations.firstUntolerated(node.noScheduleTaints(), pod.tolerations());
        if (untolerated != null) {
            return List.of(
                    "node(s) had untolerated taint {" + untolerated.getKey() + ": " + untolerated.getValue() + "}");
        }
        for (Map.Entry<String, String> required : pod.nodeSelector().entrySet()) {
            if (!required.getValue().equals(node.labels().get(required.getKey()))) {
                return List.of(REASON_NODE_SELECTOR);
            }
        }
        for (HostPort port : pod.hostPorts()) {
            if (node.isPortInUse(port)) {
                return List.of(REASON_PORTS);
            }
        }
        return insufficientResources(pod, node);
    }

    /** kube-scheduler's NodeResourcesFit: the resources that do not fit, or null if all do. */
    private static @Nullable List<String> insufficientResources(PodInfo pod, NodeInfo node) {
        List<String> insufficient = null;
        if (node.podCount() + 1L > node.allocatablePods()) {
            insufficient = add(insufficient, REASON_TOO_MANY_PODS);
        }
        if (pod.milliCpu() > 0 && pod.milliCpu() > node.allocatableMilliCpu() - node.requestedMilliCpu()) {
            insufficient = add(insufficient, "Insufficient " + PodInfo.CPU);
        }
        if (pod.memoryBytes() > 0 && pod.memoryBytes() > node.allocatableMemoryBytes() - node.requestedMemoryBytes()) {
            insufficient = add(insufficient, "Insufficient " + PodInfo.MEMORY);
        }
        for (Map.Entry<String, Long> request : pod.otherRequests().entrySet()) {
            String resource = request.getKey();
            if (request.getValue() > node.allocatableOther(resource) - node.requestedOther(resource)) {
                insufficient = add(insufficient, "Insufficient " + resource);
            }
        }
        return insufficient;
    }

    private static List<String> add(@Nullable List<String> reasons, String reason) {
        List<String> list = reasons == null ? new ArrayList<>(2) : reasons;
        list.add(reason);
        return list;
    }

    private static NodeInfo select(PodInfo pod, NodeInfo[] feasible, int count) {
        if (count == 1) {
            return feasible[0];
        }
        String controllerUid = pod.controllerUid();
        int[] spreadCounts = new int[count];
        int[] taintCounts = new int[count];
        int maxSpread = 0;
        int maxTaints = 0;
        for (int i = 0; i < count; i++) {
            if (controllerUid != null) {
                spreadCounts[i] = feasible[i].podsOfController(controllerUid);
                maxSpread = Math.max(maxSpread, spreadCounts[i]);
            }
            if (!feasible[i].preferNoScheduleTaints().isEmpty()) {
                taintCounts[i] = Tolerations.countIntolerable(feasible[i].preferNoScheduleTaints(), pod.tolerations());
                maxTaints = Math.max(maxTaints, taintCounts[i]);
            }
        }
        NodeInfo best = feasible[0];
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            long score = RESOURCE_WEIGHT * leastAllocatedScore(pod, feasible[i])
                    + SPREAD_WEIGHT * reverseNormalized(spreadCounts[i], maxSpread)
                    + TAINT_WEIGHT * reverseNormalized(taintCounts[i], maxTaints);
            if (score > bestScore) {
                best = feasible[i];
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * kube-scheduler's NodeResourcesLeastAllocated for cpu and memory with equal weights, on the
     * non-zero requests (so that pods without requests still count).
     */
    static long leastAllocatedScore(PodInfo pod, NodeInfo node) {
        long cpu = leastRequested(node.nonZeroMilliCpu() + pod.nonZeroMilliCpu(), node.allocatableMilliCpu());
        long memory =
                leastRequested(node.nonZeroMemoryBytes() + pod.nonZeroMemoryBytes(), node.allocatableMemoryBytes());
        return (cpu + memory) / 2;
    }

    /** kube-scheduler's leastRequestedScore: the free share of capacity, 0 to 100. */
    static long leastRequested(long requested, long capacity) {
        if (capacity <= 0 || requested > capacity) {
            return 0;
        }
        // capacity * 100 may overflow for memory in bytes beyond 92 PB; divide first there
        long free = capacity - requested;
        return free <= Long.MAX_VALUE / MAX_NODE_SCORE
                ? free * MAX_NODE_SCORE / capacity
                : Math.min(MAX_NODE_SCORE, free / (capacity / MAX_NODE_SCORE));
    }

    /**
     * kube-scheduler's DefaultNormalizeScore with reverse = true: {@code 100 - 100 * count / max},
     * and 100 for every node when {@code max} is 0.
     */
    static long reverseNormalized(int count, int max) {
        if (max == 0) {
            return MAX_NODE_SCORE;
        }
        return MAX_NODE_SCORE - (long) MAX_NODE_SCORE * count / max;
    }
}
