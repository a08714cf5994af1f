package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One step of a RollingUpdate, as Kubernetes' rolloutRolling: scale the new ReplicaSet up if the
 * surge allows; if it does not, scale old ones down as far as availability allows, unhealthy
 * replicas first. Repeated as pods come and go, the steps keep, at every moment,
 *
 * <pre>
 *   pods      <= spec.replicas + maxSurge
 *   available >= spec.replicas - maxUnavailable    (once reached)
 * </pre>
 *
 * Worked example, 10 replicas, maxSurge 3, maxUnavailable 2, old ReplicaSet at 10, all available:
 * the new one goes to 3 (13 pods); old goes to 8 (available 10 - 2); as new pods become available
 * old shrinks by as many and new grows into the freed room, until new has 10 and old 0.
 *
 * <p>Counts here are the cautious ones of {@link ReplicaCounts}, so a ReplicaSet whose status has
 * not yet caught up with a scale does not let a step overshoot.
 */
final class RollingUpdate {
    private RollingUpdate() {}

    /**
     * The next scale changes: one for the new ReplicaSet, or those for old ones, or none when
     * nothing can move now.
     *
     * @param newRs the ReplicaSet of the current template (already created)
     * @param old every other ReplicaSet of the deployment
     */
    static List<ScaleChange> step(Deployment deployment, ReplicaSet newRs, List<ReplicaSet> old) {
        List<ReplicaSet> all = ReplicaCounts.all(newRs, old);
        Optional<ScaleChange> up = reconcileNew(deployment, all, newRs);
        if (up.isPresent()) {
            return List.of(up.get());
        }
        return reconcileOld(deployment, all, ReplicaCounts.active(old), newRs);
    }

    /**
     * The size of the new ReplicaSet the surge allows now (Kubernetes' NewRSNewReplicas): more
     * only if the pods of all ReplicaSets stay within spec.replicas + maxSurge, never above
     * spec.replicas.
     */
    static int newReplicas(Deployment deployment, List<ReplicaSet> all, ReplicaSet newRs) {
        int replicas = Replicas.of(deployment);
        int maxTotal = replicas + Fenceposts.of(deployment).maxSurge();
        int current = ReplicaCounts.podsAtMost(all);
        int newSize = Replicas.of(newRs);
        if (current >= maxTotal) {
            return newSize;
        }
        int up = Math.min(maxTotal - current, replicas - newSize);
        return newSize + Math.max(0, up);
    }

    /** Scales the new ReplicaSet toward spec.replicas: down at once, up within the surge. */
    static Optional<ScaleChange> reconcileNew(Deployment deployment, List<ReplicaSet> all, ReplicaSet newRs) {
        int replicas = Replicas.of(deployment);
        int newSize = Replicas.of(newRs);
        if (newSize == replicas) {
            return Optional.empty();
        }
        if (newSize > replicas) {
            return Optional.of(new ScaleChange(newRs, replicas));
        }
        int target = newReplicas(deployment, all, newRs);
        return target == newSize ? Optional.empty() : Optional.of(new ScaleChange(newRs, target));
    }

    /**
     * Scales old ReplicaSets down: first their unavailable replicas (removing those costs no
     * availability), then available ones down to spec.replicas - maxUnavailable, oldest
     * ReplicaSets first. Kubernetes' reconcileOldReplicaSets.
     */
    static List<ScaleChange> reconcileOld(
            Deployment deployment, List<ReplicaSet> all, List<ReplicaSet> activeOld, ReplicaSet newRs) {
        if (ReplicaCounts.desired(activeOld) == 0) {
            return List.of();
        }
        int minAvailable = Replicas.of(deployment) - Fenceposts.of(deployment).maxUnavailable();
        int newUnavailable = Replicas.of(newRs) - ReplicaCounts.availableAtLeast(newRs);
        // Pods the new ReplicaSet still has to make available are counted as unavailable already,
        // so that a broken new template does not let old pods go.
        int maxScaledDown = ReplicaCounts.desired(all) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return List.of();
        }
        List<ReplicaSet> sorted = new ArrayList<>(activeOld);
        sorted.sort(ReplicaSetOrder.BY_CREATION);

        List<ScaleChange> changes = new ArrayList<>();
        List<ReplicaSet> afterCleanup = new ArrayList<>();
        int cleaned = 0;
        for (ReplicaSet rs : sorted) {
            int size = Replicas.of(rs);
            int unhealthy = size - ReplicaCounts.availableAtLeast(rs);
            if (cleaned >= maxScaledDown || size == 0 || unhealthy == 0) {
                afterCleanup.add(rs);
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, unhealthy);
            ReplicaSet scaled = withReplicas(rs, size - down);
            changes.add(new ScaleChange(rs, size - down));
            afterCleanup.add(scaled);
            cleaned += down;
        }

        List<ReplicaSet> allAfter = ReplicaCounts.all(newRs, afterCleanup);
        int available = ReplicaCounts.availableAtLeast(allAfter);
        if (available <= minAvailable) {
            return changes;
        }
        int toScaleDown = available - minAvailable;
        int scaledDown = 0;
        for (ReplicaSet rs : afterCleanup) {
            int size = Replicas.of(rs);
            if (scaledDown >= toScaleDown) {
                break;
            }
            if (size == 0) {
                continue;
            }
            int down = Math.min(size, toScaleDown - scaledDown);
            merge(changes, rs, size - down);
            scaledDown += down;
        }
        return changes;
    }

    /** Adds a change, or replaces the one already planned for the same ReplicaSet. */
    private static void merge(List<ScaleChange> changes, ReplicaSet current, int replicas) {
        for (int i = 0; i < changes.size(); i++) {
            ScaleChange planned = changes.get(i);
            if (planned.name().equals(current.getMetadata().getName())) {
                changes.set(i, new ScaleChange(planned.replicaSet(), replicas));
                return;
            }
        }
        changes.add(new ScaleChange(current, replicas));
    }

    static ReplicaSet withReplicas(ReplicaSet rs, int replicas) {
        ReplicaSet.Builder builder = rs.toBuilder();
        builder.getSpecBuilder().setReplicas(replicas);
        return builder.build();
    }
}
