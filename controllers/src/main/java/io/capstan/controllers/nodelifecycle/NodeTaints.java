package io.capstan.controllers.nodelifecycle;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeSpec;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The taints a node's conditions call for, as Kubernetes' node lifecycle controller keeps them:
 *
 * <ul>
 *   <li>NoExecute (the taint manager evicts pods that do not tolerate it):
 *       {@code node.kubernetes.io/not-ready} while Ready is False, {@code
 *       node.kubernetes.io/unreachable} while it is Unknown, neither while it is True;
 *   <li>NoSchedule (the scheduler keeps new pods off): the same two, {@code
 *       node.kubernetes.io/memory-pressure}, {@code disk-pressure}, {@code pid-pressure} and {@code
 *       network-unavailable} while that condition is True, and {@code
 *       node.kubernetes.io/unschedulable} while spec.unschedulable is set.
 * </ul>
 *
 * Taints with other keys are the user's and are kept. A taint that stays keeps its timeAdded; a
 * NoExecute taint gets one when added (or when found without one), because eviction deadlines count
 * from it.
 */
final class NodeTaints {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
    static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
    static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
    static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

    private static final Map<String, String> PRESSURE_TAINTS = Map.of(
            "MemoryPressure", MEMORY_PRESSURE,
            "DiskPressure", DISK_PRESSURE,
            "PIDPressure", PID_PRESSURE,
            "NetworkUnavailable", NETWORK_UNAVAILABLE);

    private static final Set<String> MANAGED_KEYS = Set.of(
            NOT_READY, UNREACHABLE, MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE, NETWORK_UNAVAILABLE, UNSCHEDULABLE);

    /** A taint's identity on a node: its key and effect. */
    private record TaintId(String key, TaintEffect effect) {
        static TaintId of(Taint taint) {
            return new TaintId(taint.getKey(), taint.getEffect());
        }
    }

    private NodeTaints() {}

    /**
     * The node's taints after bringing the managed ones in line with {@code status} (the node's
     * status as the controller now holds it) and {@code spec.unschedulable}: existing taints in
     * their order, then the added ones.
     */
    static List<Taint> reconcile(NodeSpec spec, NodeStatus status, Instant now) {
        Set<TaintId> wanted = wanted(spec, status);
        List<Taint> result = new ArrayList<>();
        Set<TaintId> present = new LinkedHashSet<>();
        for (Taint taint : spec.getTaintsList()) {
            TaintId id = TaintId.of(taint);
            if (MANAGED_KEYS.contains(taint.getKey()) && !wanted.contains(id)) {
                continue;
            }
            if (!present.add(id)) {
                continue;
            }
            if (taint.getEffect() == TaintEffect.TAINT_EFFECT_NO_EXECUTE && !taint.hasTimeAdded()) {
                taint = taint.toBuilder().setTimeAdded(Times.timestamp(now)).build();
            }
            result.add(taint);
        }
        for (TaintId id : wanted) {
            if (!present.contains(id)) {
                Taint.Builder taint = Taint.newBuilder().setKey(id.key()).setEffect(id.effect());
                if (id.effect() == TaintEffect.TAINT_EFFECT_NO_EXECUTE) {
                    taint.setTimeAdded(Times.timestamp(now));
                }
                result.add(taint.build());
            }
        }
        return result;
    }

    /** The node's NoExecute taints. */
    static List<Taint> noExecute(List<Taint> taints) {
        return taints.stream()
                .filter(t -> t.getEffect() == TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                .toList();
    }

    /**
     * Since when the node has been lost, by its not-ready or unreachable NoExecute taint; empty if
     * it has neither.
     */
    static Optional<Instant> lostSince(List<Taint> taints) {
        return taints.stream()
                .filter(t -> t.getEffect() == TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                .filter(t -> t.getKey().equals(NOT_READY) || t.getKey().equals(UNREACHABLE))
                .filter(Taint::hasTimeAdded)
                .map(t -> Times.instant(t.getTimeAdded()))
                .min(Instant::compareTo);
    }

    private static Set<TaintId> wanted(NodeSpec spec, NodeStatus status) {
        Set<TaintId> wanted = new LinkedHashSet<>();
        switch (NodeHealth.readyStatus(status)) {
            case CONDITION_STATUS_FALSE -> {
                wanted.add(new TaintId(NOT_READY, TaintEffect.TAINT_EFFECT_NO_EXECUTE));
                wanted.add(new TaintId(NOT_READY, TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
            }
            case CONDITION_STATUS_UNKNOWN -> {
                wanted.add(new TaintId(UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE));
                wanted.add(new TaintId(UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
            }
            case CONDITION_STATUS_TRUE, CONDITION_STATUS_UNSPECIFIED, UNRECOGNIZED -> {
                // ready, or not heard from yet and still within its startup grace period
            }
        }
        for (NodeCondition condition : status.getConditionsList()) {
            String key = PRESSURE_TAINTS.get(condition.getType());
            if (key != null && condition.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE) {
                wanted.add(new TaintId(key, TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
            }
        }
        if (spec.getUnschedulable()) {
            wanted.add(new TaintId(UNSCHEDULABLE, TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        }
        return wanted;
    }
}
