package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The steps of a Recreate rollout, as Kubernetes' rolloutRecreate: scale every old ReplicaSet to
 * 0; wait until no old pod is left, not even one being deleted; only then create the new
 * ReplicaSet (if it does not exist yet) and scale it to spec.replicas. So old and new pods never run
 * side by side.
 */
final class Recreate {
    private Recreate() {}

    /** What to do next. */
    enum Action {
        /** Scale the old ReplicaSets in {@link Step#changes} to 0. */
        SCALE_DOWN_OLD,
        /** Old pods still exist; wait for their deletion events. */
        WAIT_FOR_OLD_PODS,
        /** Create the new ReplicaSet with spec.replicas, then report status. */
        CREATE_NEW,
        /** Scale the new ReplicaSet as {@link Step#changes} says. */
        SCALE_UP_NEW,
        /** Nothing to change. */
        NONE
    }

    record Step(Action action, List<ScaleChange> changes) {}

    /**
     * @param oldPodsRunning from {@link #oldPodsRunning}
     */
    static Step next(Deployment deployment, @Nullable ReplicaSet newRs, List<ReplicaSet> old, boolean oldPodsRunning) {
        List<ScaleChange> down = new ArrayList<>();
        for (ReplicaSet rs : ReplicaCounts.active(old)) {
            down.add(new ScaleChange(rs, 0));
        }
        if (!down.isEmpty()) {
            return new Step(Action.SCALE_DOWN_OLD, down);
        }
        if (oldPodsRunning) {
            return new Step(Action.WAIT_FOR_OLD_PODS, List.of());
        }
        if (newRs == null) {
            return new Step(Action.CREATE_NEW, List.of());
        }
        int replicas = Replicas.of(deployment);
        if (Replicas.of(newRs) != replicas) {
            return new Step(Action.SCALE_UP_NEW, List.of(new ScaleChange(newRs, replicas)));
        }
        return new Step(Action.NONE, List.of());
    }

    /**
     * Whether any pod of an old ReplicaSet may still run: an old ReplicaSet reports pods, or a pod
     * it controls (being deleted or not) has not finished.
     *
     * @param podsByOwnerUid the deployment's pods, by the uid of their controlling ReplicaSet
     */
    static boolean oldPodsRunning(
            @Nullable ReplicaSet newRs, List<ReplicaSet> old, Map<String, List<Pod>> podsByOwnerUid) {
        if (ReplicaCounts.actual(old) > 0) {
            return true;
        }
        String newUid = newRs == null ? null : newRs.getMetadata().getUid();
        for (Map.Entry<String, List<Pod>> entry : podsByOwnerUid.entrySet()) {
            if (entry.getKey().equals(newUid)) {
                continue;
            }
            for (Pod pod : entry.getValue()) {
                PodStatus.Phase phase = pod.getStatus().getPhase();
                if (phase != PodStatus.Phase.PHASE_SUCCEEDED && phase != PodStatus.Phase.PHASE_FAILED) {
                    return true;
                }
            }
        }
        return false;
    }
}
