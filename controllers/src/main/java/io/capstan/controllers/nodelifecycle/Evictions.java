package io.capstan.controllers.nodelifecycle;

import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When pods must leave a tainted node: Kubernetes' NoExecute taint manager, with the tolerations
 * the DefaultTolerationSeconds admission adds.
 *
 * <p>For each NoExecute taint, the first of the pod's tolerations that matches it counts. A taint
 * no toleration matches evicts the pod at once. Otherwise the pod goes when the earliest of the
 * counted tolerations runs out: tolerationSeconds after the taint's timeAdded (0 or less: at once);
 * a toleration without tolerationSeconds tolerates its taint forever. Counting from timeAdded
 * rather than from when this controller noticed the taint keeps the deadline where it was across
 * controller restarts.
 *
 * <p>Example, default toleration 300 s: a pod without tolerations on a node tainted unreachable at
 * 10:00:00 is evicted at 10:05:00; with its own toleration {@code unreachable Exists NoExecute 30}
 * at 10:00:30; with {@code Exists} (no key, no seconds) never; on a node also tainted {@code
 * dedicated=db:NoExecute}, which it does not tolerate, at once.
 */
final class Evictions {
    private Evictions() {}

    /**
     * Whether {@code toleration} matches {@code taint}, as Kubernetes' ToleratesTaint: the effect
     * matches (unspecified matches all), the key matches (empty matches all, with Exists), and the
     * value is equal (Equal) or anything (Exists).
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
            case OPERATOR_EXISTS -> true;
            case OPERATOR_EQUAL, OPERATOR_UNSPECIFIED -> toleration.getValue().equals(taint.getValue());
            case UNRECOGNIZED -> false;
        };
    }

    /**
     * The pod's tolerations plus, for each of the not-ready and unreachable keys, {@code <key> Exists
     * NoExecute} for {@code defaultToleration} unless one of its own already covers that key with
     * NoExecute (as the DefaultTolerationSeconds admission adds them when a pod is created).
     */
    static List<Toleration> effectiveTolerations(PodSpec spec, Duration defaultToleration) {
        List<Toleration> tolerations = new ArrayList<>(spec.getTolerationsList());
        for (String key : List.of(NodeTaints.NOT_READY, NodeTaints.UNREACHABLE)) {
            boolean covered = spec.getTolerationsList().stream()
                    .anyMatch(t -> (t.getKey().isEmpty() || t.getKey().equals(key))
                            && (t.getEffect() == TaintEffect.TAINT_EFFECT_UNSPECIFIED
                                    || t.getEffect() == TaintEffect.TAINT_EFFECT_NO_EXECUTE));
            if (!covered) {
                tolerations.add(Toleration.newBuilder()
                        .setKey(key)
                        .setOperator(Toleration.Operator.OPERATOR_EXISTS)
                        .setEffect(TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                        .setTolerationSeconds(defaultToleration.toSeconds())
                        .build());
            }
        }
        return tolerations;
    }

    /**
     * When {@code pod} must be evicted from a node with {@code taints}; empty if never (no NoExecute
     * taint, or each tolerated without limit). A time at or before {@code now} means at once.
     * NoExecute taints without timeAdded count from {@code now}.
     */
    static Optional<Instant> evictionTime(Pod pod, List<Taint> taints, Duration defaultToleration, Instant now) {
        List<Toleration> tolerations = effectiveTolerations(pod.getSpec(), defaultToleration);
        Optional<Instant> earliest = Optional.empty();
        for (Taint taint : NodeTaints.noExecute(taints)) {
            Optional<Toleration> counted =
                    tolerations.stream().filter(t -> tolerates(t, taint)).findFirst();
            if (counted.isEmpty()) {
                return Optional.of(now);
            }
            if (!counted.get().hasTolerationSeconds()) {
                continue;
            }
            Instant added = taint.hasTimeAdded() ? Times.instant(taint.getTimeAdded()) : now;
            Instant deadline = added.plusSeconds(Math.max(0, counted.get().getTolerationSeconds()));
            earliest = Optional.of(earliest.map(e -> Times.earlier(e, deadline)).orElse(deadline));
        }
        return earliest;
    }

    /**
     * When a pod that is already terminating ({@code deletionTimestamp} set: the end of its grace
     * period) on a node lost since {@code lostSince} is removed without waiting for its kubelet:
     * {@code timeout} after the later of the two.
     */
    static Instant forcedRemovalTime(Pod pod, Instant lostSince, Duration timeout) {
        Instant graceEnds = Times.instant(pod.getMetadata().getDeletionTimestamp());
        return Times.later(graceEnds, lostSince).plus(timeout);
    }

    /**
     * When a pod bound to a node that does not exist is removed (delete with grace 0), as
     * Kubernetes' pod garbage collector does with orphaned pods: {@code quarantine} after the pod's
     * creation, which gives a node named in advance time to register.
     */
    static Instant orphanRemovalTime(Pod pod, Duration quarantine) {
        return Times.instant(pod.getMetadata().getCreationTimestamp()).plus(quarantine);
    }
}
