package io.capstan.controllers.replicaset;

import io.capstan.client.events.ProtoTimes;
import io.capstan.controllers.common.Pods;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The order in which a ReplicaSet gives up pods when it scales down, first to go first: Kubernetes'
 * {@code ActivePodsWithRanks} with LogarithmicScaleDown.
 *
 * <ol>
 *   <li>unscheduled (no spec.nodeName) before scheduled;
 *   <li>Pending, then Unknown, then Running;
 *   <li>not ready before ready;
 *   <li>lower {@value #DELETION_COST} annotation before higher;
 *   <li>on a node crowded with more pods of the related ReplicaSets before less crowded;
 *   <li>for ready pods, ready more recently before longer ago (an unknown ready time first);
 *   <li>more container restarts before fewer;
 *   <li>created more recently before longer ago (an unknown creation time first);
 *   <li>uid, so that pods otherwise alike go in an order that is random but stable.
 * </ol>
 *
 * Times (6 and 8) compare by the power-of-two bucket of their age at {@code now}: a pod 3 s old and
 * one 60 s old differ, one 64 s and one 100 s old are alike. Kubernetes breaks a tie of buckets by
 * uid at once; here the later criteria come first and uid last, which keeps the order a total one
 * (Kubernetes' mix can be cyclic, and a sort may reject it).
 */
final class PodRanking {
    /** Kubernetes' annotation by which a user says which pods are cheaper to lose. */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private PodRanking() {}

    /**
     * The {@code count} pods of {@code candidates} to delete first. {@code related} are the pods
     * of every ReplicaSet sharing the owner's controller (the owner's own included), used to find
     * crowded nodes.
     */
    static List<Pod> podsToDelete(List<Pod> candidates, List<Pod> related, int count, Instant now) {
        if (count >= candidates.size()) {
            return List.copyOf(candidates);
        }
        List<Pod> ranked = new ArrayList<>(candidates);
        ranked.sort(order(related, now));
        return List.copyOf(ranked.subList(0, count));
    }

    /** The order itself, first to delete first. */
    static Comparator<Pod> order(List<Pod> related, Instant now) {
        Map<String, Integer> activeOnNode = new HashMap<>();
        for (Pod pod : related) {
            if (Pods.isActive(pod)) {
                activeOnNode.merge(pod.getSpec().getNodeName(), 1, Integer::sum);
            }
        }
        Comparator<Pod> byAssigned =
                Comparator.comparing(pod -> !pod.getSpec().getNodeName().isEmpty());
        Comparator<Pod> byPhase = Comparator.comparingInt(PodRanking::phaseOrdinal);
        Comparator<Pod> byReady = Comparator.comparing(Pods::isReady);
        Comparator<Pod> byCost = Comparator.comparingInt(PodRanking::deletionCost);
        Comparator<Pod> byCrowding = Comparator.comparingInt(
                        (Pod pod) -> activeOnNode.getOrDefault(pod.getSpec().getNodeName(), 0))
                .reversed();
        Comparator<Pod> byReadyAge =
                Comparator.comparingLong(pod -> Pods.isReady(pod) ? ageBucket(Pods.readySince(pod), now) : 0);
        Comparator<Pod> byRestarts =
                Comparator.comparingInt(Pods::maxContainerRestarts).reversed();
        Comparator<Pod> byCreationAge = Comparator.comparingLong(
                pod -> ageBucket(ProtoTimes.instant(pod.getMetadata().getCreationTimestamp()), now));
        Comparator<Pod> byUid = Comparator.comparing(pod -> pod.getMetadata().getUid());
        return byAssigned
                .thenComparing(byPhase)
                .thenComparing(byReady)
                .thenComparing(byCost)
                .thenComparing(byCrowding)
                .thenComparing(byReadyAge)
                .thenComparing(byRestarts)
                .thenComparing(byCreationAge)
                .thenComparing(byUid);
    }

    /** Pending 0, Unknown 1, Running 2, as Kubernetes' podPhaseToOrdinal (others 0). */
    private static int phaseOrdinal(Pod pod) {
        PodStatus.Phase phase = pod.getStatus().getPhase();
        return switch (phase) {
            case PHASE_UNKNOWN -> 1;
            case PHASE_RUNNING -> 2;
            case PHASE_UNSPECIFIED, PHASE_PENDING, PHASE_SUCCEEDED, PHASE_FAILED, UNRECOGNIZED -> 0;
        };
    }

    /** The annotation's int32 value; 0 when absent or not an int32, as Kubernetes reads it. */
    static int deletionCost(Pod pod) {
        String value = pod.getMetadata().getAnnotationsMap().get(DELETION_COST);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * floor(log2(age in nanoseconds)) at {@code now}: younger is smaller. An unknown time is the
     * smallest of all; a time not before {@code now} is -1.
     */
    static long ageBucket(Optional<Instant> time, Instant now) {
        if (time.isEmpty()) {
            return Long.MIN_VALUE;
        }
        Duration age = Duration.between(time.get(), now);
        if (age.isNegative() || age.isZero()) {
            return -1;
        }
        long nanos = age.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : age.toNanos();
        return 63 - Long.numberOfLeadingZeros(nanos);
    }
}
