package io.capstan.controllers.scheduler;

import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Matching taints against tolerations, as Kubernetes' {@code Toleration.ToleratesTaint}. */
final class Tolerations {
    /** The taint kube-scheduler's NodeUnschedulable plugin lets a pod tolerate to land on a cordoned node. */
    static final String UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";
    /** The taint the node lifecycle controller puts on a node whose Ready condition is False. */
    static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";
    /** The taint the node lifecycle controller puts on a node whose Ready condition is Unknown. */
    static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";

    private Tolerations() {}

    /**
     * Whether {@code toleration} tolerates {@code taint}: the effects match (an unspecified effect
     * matches every one), the keys match (an empty key matches every key, with Exists), and for Equal
     * the values are equal.
     */
    static boolean tolerates(Toleration toleration, Taint taint) {
        if (toleration.getEffect() != TaintEffect.TAINT_EFFECT_UNSPECIFIED
                && toleration.getEffect() != taint.getEffect()) {
            return false;
        }
        if (!toleration.getKey().isEmpty() && !toleration.getKey().equals(taint.getKey())) {
            return false;
        }
        return switch (toleration.getOperator()) {
            case OPERATOR_UNSPECIFIED, OPERATOR_EQUAL -> toleration.getValue().equals(taint.getValue());
            case OPERATOR_EXISTS -> true;
            case UNRECOGNIZED -> false;
        };
    }

    /** Whether any of {@code tolerations} tolerates {@code taint}. */
    static boolean anyTolerates(List<Toleration> tolerations, Taint taint) {
        for (Toleration toleration : tolerations) {
            if (tolerates(toleration, taint)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first of {@code taints} that none of {@code tolerations} tolerates, or null if all are
     * tolerated (kube-scheduler's {@code FindMatchingUntoleratedTaint}).
     */
    static @Nullable Taint firstUntolerated(List<Taint> taints, List<Toleration> tolerations) {
        for (Taint taint : taints) {
            if (!anyTolerates(tolerations, taint)) {
                return taint;
            }
        }
        return null;
    }

    /**
     * How many of the {@code preferNoSchedule} taints none of {@code tolerations} tolerates
     * (kube-scheduler's {@code countIntolerableTaintsPreferNoSchedule}; a toleration of another
     * effect cannot match these taints).
     */
    static int countIntolerable(List<Taint> preferNoSchedule, List<Toleration> tolerations) {
        int count = 0;
        for (Taint taint : preferNoSchedule) {
            if (!anyTolerates(tolerations, taint)) {
                count++;
            }
        }
        return count;
    }

    /** A NoSchedule taint with {@code key} and no value, as the node lifecycle controller adds. */
    static Taint noSchedule(String key) {
        return Taint.newBuilder()
                .setKey(key)
                .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                .build();
    }
}
