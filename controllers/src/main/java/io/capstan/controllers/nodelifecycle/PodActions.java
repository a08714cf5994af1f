package io.capstan.controllers.nodelifecycle;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Taint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to do now to the pods bound to one node, and when to look again.
 *
 * @param notReady pods to write with these statuses (Ready False), while the node is not ready
 * @param evict pods whose toleration of the node's NoExecute taints has run out: delete them
 * @param forceRemove pods terminating past {@link NodeLifecycleConfig#terminatingPodTimeout()} on a
 *     lost node: delete them with grace 0
 * @param nextDeadline the earliest later time at which a pod is due for eviction or removal
 */
record PodActions(List<Pod> notReady, List<Pod> evict, List<Pod> forceRemove, Optional<Instant> nextDeadline) {

    /**
     * Plans for {@code pods} on a node whose Ready condition is {@code ready} and whose taints are
     * {@code taints} (as the controller has just written them).
     */
    static PodActions plan(
            ConditionStatus ready, List<Taint> taints, List<Pod> pods, NodeLifecycleConfig config, Instant now) {
        List<Pod> notReady = new ArrayList<>();
        List<Pod> evict = new ArrayList<>();
        List<Pod> forceRemove = new ArrayList<>();
        Optional<Instant> next = Optional.empty();
        boolean nodeNotReady =
                ready == ConditionStatus.CONDITION_STATUS_FALSE || ready == ConditionStatus.CONDITION_STATUS_UNKNOWN;
        Optional<Instant> lostSince = NodeTaints.lostSince(taints);
        for (Pod pod : pods) {
            if (nodeNotReady) {
                Optional<PodStatus> marked = PodReadiness.markedNotReady(pod, now);
                marked.ifPresent(
                        status -> notReady.add(pod.toBuilder().setStatus(status).build()));
            }
            Optional<Instant> due;
            if (pod.getMetadata().hasDeletionTimestamp()) {
                due = lostSince.map(since -> Evictions.forcedRemovalTime(pod, since, config.terminatingPodTimeout()));
                if (due.isPresent() && !due.get().isAfter(now)) {
                    forceRemove.add(pod);
                    continue;
                }
            } else {
                due = Evictions.evictionTime(pod, taints, config.defaultToleration(), now);
                if (due.isPresent() && !due.get().isAfter(now)) {
                    evict.add(pod);
                    continue;
                }
            }
            if (due.isPresent()) {
                Instant at = due.get();
                next = Optional.of(next.map(n -> Times.earlier(n, at)).orElse(at));
            }
        }
        return new PodActions(List.copyOf(notReady), List.copyOf(evict), List.copyOf(forceRemove), next);
    }
}
