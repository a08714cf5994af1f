package io.capstan.controllers.scheduler;

import io.capstan.api.quantity.Quantity;
import io.capstan.controllers.scheduler.PodInfo.HostPort;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node as the scheduler sees it: the facts of its Node object the filters read, parsed once,
 * and the sums of what the pods bound to it (or assumed to be) request, kept up to date as pods come
 * and go, as kube-scheduler's {@code framework.NodeInfo}.
 *
 * <p>Not thread-safe: owned by a {@link ClusterSnapshot} and read or changed only under its lock.
 * A NodeInfo may exist without its Node (pods named the node before it was seen, or it was
 * deleted while pods were still bound); such a node is never chosen.
 */
final class NodeInfo {
    private static final Logger log = LoggerFactory.getLogger(NodeInfo.class);

    /** allocatablePods when the node does not report "pods": no limit on the pod count. */
    static final long UNLIMITED = Long.MAX_VALUE;

    private final String name;
    private @Nullable Node node;

    // facts of node, set by setNode
    private @Nullable Taint readinessTaint;
    private boolean unschedulable;
    private List<Taint> noScheduleTaints = List.of();
    private List<Taint> preferNoScheduleTaints = List.of();
    private Map<String, String> labels = Map.of();
    private long allocatableMilliCpu;
    private long allocatableMemoryBytes;
    private long allocatablePods = UNLIMITED;
    private Map<String, Long> allocatableOther = Map.of();

    // sums over the pods bound or assumed here
    private long requestedMilliCpu;
    private long requestedMemoryBytes;
    private long nonZeroMilliCpu;
    private long nonZeroMemoryBytes;
    private final Map<String, Long> requestedOther = new HashMap<>();
    private int podCount;
    // a count per port: two pods bound with the same port (by hand, bypassing the scheduler) must
    // both go before it is free
    private final Map<HostPort, Integer> usedPorts = new HashMap<>();
    private final Map<String, Integer> podsByController = new HashMap<>();

    NodeInfo(String name) {
        this.name = name;
    }

    /** A NodeInfo for {@code node} with nothing bound to it. */
    static NodeInfo of(Node node) {
        NodeInfo info = new NodeInfo(node.getMetadata().getName());
        info.setNode(node);
        return info;
    }

    String name() {
        return name;
    }

    /** The Node object, or null while it is not known. */
    @Nullable
    Node node() {
        return node;
    }

    void setNode(Node node) {
        this.node = node;
        readinessTaint = readinessTaint(node);
        unschedulable = node.getSpec().getUnschedulable();
        List<Taint> hard = new ArrayList<>();
        List<Taint> soft = new ArrayList<>();
        for (Taint taint : node.getSpec().getTaintsList()) {
            if (taint.getEffect() == TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE) {
                soft.add(taint);
            } else if (taint.getEffect() == TaintEffect.TAINT_EFFECT_NO_SCHEDULE
                    || taint.getEffect() == TaintEffect.TAINT_EFFECT_NO_EXECUTE) {
                hard.add(taint);
            }
        }
        noScheduleTaints = List.copyOf(hard);
        preferNoScheduleTaints = List.copyOf(soft);
        labels = node.getMetadata().getLabelsMap();
        Map<String, Long> other = new HashMap<>();
        allocatableMilliCpu = 0;
        allocatableMemoryBytes = 0;
        allocatablePods = UNLIMITED;
        for (Map.Entry<String, String> entry :
                node.getStatus().getAllocatableMap().entrySet()) {
            Quantity quantity = parse(entry.getKey(), entry.getValue());
            switch (entry.getKey()) {
                case PodInfo.CPU -> allocatableMilliCpu = quantity.milliValue();
                case PodInfo.MEMORY -> allocatableMemoryBytes = quantity.value();
                case PodInfo.PODS -> allocatablePods = quantity.value();
                default -> other.put(entry.getKey(), quantity.value());
            }
        }
        allocatableOther = Map.copyOf(other);
    }

    /** Forgets the Node object (it was deleted); the pods stay counted until they go. */
    void clearNode() {
        node = null;
    }

    void addPod(PodInfo pod) {
        requestedMilliCpu += pod.milliCpu();
        requestedMemoryBytes += pod.memoryBytes();
        nonZeroMilliCpu += pod.nonZeroMilliCpu();
        nonZeroMemoryBytes += pod.nonZeroMemoryBytes();
        pod.otherRequests().forEach((resource, value) -> requestedOther.merge(resource, value, Long::sum));
        podCount++;
        for (HostPort port : pod.hostPorts()) {
            usedPorts.merge(port, 1, Integer::sum);
        }
        if (pod.controllerUid() != null) {
            podsByController.merge(pod.controllerUid(), 1, Integer::sum);
        }
    }

    void removePod(PodInfo pod) {
        requestedMilliCpu -= pod.milliCpu();
        requestedMemoryBytes -= pod.memoryBytes();
        nonZeroMilliCpu -= pod.nonZeroMilliCpu();
        nonZeroMemoryBytes -= pod.nonZeroMemoryBytes();
        pod.otherRequests().forEach((resource, value) -> decrement(requestedOther, resource, value));
        podCount--;
        for (HostPort port : pod.hostPorts()) {
            decrement(usedPorts, port);
        }
        if (pod.controllerUid() != null) {
            decrement(podsByController, pod.controllerUid());
        }
    }

    /** Whether no pod is bound or assumed here. */
    boolean hasNoPods() {
        return podCount == 0;
    }

    /**
     * The NoSchedule taint standing for a Ready condition that is not True: {@link
     * Tolerations#NOT_READY_TAINT} for False or absent, {@link Tolerations#UNREACHABLE_TAINT} for
     * Unknown, as the node lifecycle controller taints such nodes; null for a Ready node.
     */
    @Nullable
    Taint readinessTaint() {
        return readinessTaint;
    }

    boolean isUnschedulable() {
        return unschedulable;
    }

    /** The NoSchedule and NoExecute taints, in the node's order. */
    List<Taint> noScheduleTaints() {
        return noScheduleTaints;
    }

    List<Taint> preferNoScheduleTaints() {
        return preferNoScheduleTaints;
    }

    Map<String, String> labels() {
        return labels;
    }

    long allocatableMilliCpu() {
        return allocatableMilliCpu;
    }

    long allocatableMemoryBytes() {
        return allocatableMemoryBytes;
    }

    /** The most pods the node takes ("pods" in allocatable), or {@link #UNLIMITED}. */
    long allocatablePods() {
        return allocatablePods;
    }

    /** Allocatable of a resource other than cpu, memory and pods; 0 if the node has none. */
    long allocatableOther(String resource) {
        return allocatableOther.getOrDefault(resource, 0L);
    }

    long requestedMilliCpu() {
        return requestedMilliCpu;
    }

    long requestedMemoryBytes() {
        return requestedMemoryBytes;
    }

    long requestedOther(String resource) {
        return requestedOther.getOrDefault(resource, 0L);
    }

    long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    long nonZeroMemoryBytes() {
        return nonZeroMemoryBytes;
    }

    int podCount() {
        return podCount;
    }

    boolean isPortInUse(HostPort port) {
        return usedPorts.containsKey(port);
    }

    /** How many pods bound here have the controller with {@code controllerUid}. */
    int podsOfController(String controllerUid) {
        return podsByController.getOrDefault(controllerUid, 0);
    }

    @Override
    public String toString() {
        return "NodeInfo[" + name + " pods=" + podCount + " cpu=" + requestedMilliCpu + "m/" + allocatableMilliCpu
                + "m memory=" + requestedMemoryBytes + "/" + allocatableMemoryBytes + "]";
    }

    private static @Nullable Taint readinessTaint(Node node) {
        for (NodeCondition condition : node.getStatus().getConditionsList()) {
            if (condition.getType().equals("Ready")) {
                if (condition.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE) {
                    return null;
                }
                return condition.getStatus() == ConditionStatus.CONDITION_STATUS_UNKNOWN
                        ? Tolerations.noSchedule(Tolerations.UNREACHABLE_TAINT)
                        : Tolerations.noSchedule(Tolerations.NOT_READY_TAINT);
            }
        }
        return Tolerations.noSchedule(Tolerations.NOT_READY_TAINT);
    }

    private Quantity parse(String resource, String text) {
        try {
            return Quantity.parse(text);
        } catch (IllegalArgumentException e) {
            // the API server validates allocatable, so only a node that bypassed it gets here
            log.warn(
                    "Node {} has an invalid status.allocatable[{}], counting it as 0: {}",
                    name,
                    resource,
                    e.getMessage());
            return Quantity.ofMillis(0);
        }
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
    }

    private static void decrement(Map<String, Long> sums, String key, long value) {
        sums.computeIfPresent(key, (k, sum) -> sum == value ? null : sum - value);
    }
}
