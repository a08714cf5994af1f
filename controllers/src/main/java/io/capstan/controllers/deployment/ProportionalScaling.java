package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A change of spec.replicas, applied to the ReplicaSets a deployment has now, as Kubernetes'
 * {@code scale}: with one active ReplicaSet it takes the new size; with a saturated new one the
 * old ones go to 0; during a rolling update every active ReplicaSet grows or shrinks in proportion
 * to its share, so a rollout in progress keeps its balance.
 *
 * <p>Worked example: 10 replicas, maxSurge 3, mid-rollout with old 8 and new 5 (13 = 10 + 3, the
 * {@value Revisions#MAX_REPLICAS} both carry). Scaled to 20, the new allowance is 20 + 5 = 25, 12
 * to add: old gets round(8 * 25 / 13) - 8 = 7, new round(5 * 25 / 13) - 5 = 5, so 15 and 10.
 * Leftovers from rounding go to the first in order (the largest).
 */
final class ProportionalScaling {
    private ProportionalScaling() {}

    /**
     * Whether spec.replicas changed since the deployment last sized its active ReplicaSets (their
     * {@value Revisions#DESIRED_REPLICAS} annotation differs).
     */
    static boolean isScalingEvent(Deployment deployment, List<ReplicaSet> all) {
        int replicas = Replicas.of(deployment);
        for (ReplicaSet rs : ReplicaCounts.active(all)) {
            OptionalInt desired = Revisions.desiredReplicas(rs);
            if (desired.isPresent() && desired.getAsInt() != replicas) {
                return true;
            }
        }
        return false;
    }

    /**
     * The sizes to give the ReplicaSets. For a proportional scale it names every active ReplicaSet,
     * changed in size or not, so each gets the new replica annotations.
     */
    static List<ScaleChange> plan(Deployment deployment, @Nullable ReplicaSet newRs, List<ReplicaSet> old) {
        int replicas = Replicas.of(deployment);
        ReplicaSet only = activeOrLatest(newRs, old);
        if (only != null) {
            return Replicas.of(only) == replicas ? List.of() : List.of(new ScaleChange(only, replicas));
        }
        if (isSaturated(deployment, newRs)) {
            List<ScaleChange> changes = new ArrayList<>();
            for (ReplicaSet rs : ReplicaCounts.active(old)) {
                changes.add(new ScaleChange(rs, 0));
            }
            return changes;
        }
        if (deployment.getSpec().getStrategy().getType() == DeploymentStrategy.Type.TYPE_RECREATE) {
            return List.of();
        }
        List<ReplicaSet> active = ReplicaCounts.active(ReplicaCounts.all(newRs, old));
        int maxSurge = Fenceposts.of(deployment).maxSurge();
        int allowed = replicas > 0 ? replicas + maxSurge : 0;
        int toAdd = allowed - ReplicaCounts.desired(active);
        if (toAdd > 0) {
            active.sort(ReplicaSetOrder.BY_SIZE_NEWER_FIRST);
        } else if (toAdd < 0) {
            active.sort(ReplicaSetOrder.BY_SIZE_OLDER_FIRST);
        }
        Map<ReplicaSet, Integer> sizes = new LinkedHashMap<>();
        int added = 0;
        for (ReplicaSet rs : active) {
            int proportion = toAdd == 0 ? 0 : proportion(rs, deployment, toAdd, added);
            sizes.put(rs, Replicas.of(rs) + proportion);
            added += proportion;
        }
        List<ScaleChange> changes = new ArrayList<>();
        boolean first = true;
        for (Map.Entry<ReplicaSet, Integer> entry : sizes.entrySet()) {
            int size = entry.getValue();
            if (first && toAdd != 0) {
                size = Math.max(0, size + toAdd - added);
            }
            first = false;
            changes.add(new ScaleChange(entry.getKey(), size));
        }
        return changes;
    }

    /**
     * With one active ReplicaSet, that one; with none, the new one or else the newest old one;
     * with several, null (Kubernetes' FindActiveOrLatest).
     */
    static @Nullable ReplicaSet activeOrLatest(@Nullable ReplicaSet newRs, List<ReplicaSet> old) {
        List<ReplicaSet> active = ReplicaCounts.active(ReplicaCounts.all(newRs, old));
        if (active.size() == 1) {
            return active.get(0);
        }
        if (!active.isEmpty()) {
            return null;
        }
        if (newRs != null) {
            return newRs;
        }
        return old.stream().max(ReplicaSetOrder.BY_CREATION).orElse(null);
    }

    /** The new ReplicaSet has all replicas, sized for the current spec, all available. */
    static boolean isSaturated(Deployment deployment, @Nullable ReplicaSet newRs) {
        if (newRs == null) {
            return false;
        }
        int replicas = Replicas.of(deployment);
        OptionalInt desired = Revisions.desiredReplicas(newRs);
        return Replicas.of(newRs) == replicas
                && desired.isPresent()
                && desired.getAsInt() == replicas
                && newRs.getStatus().getAvailableReplicas() == replicas;
    }

    private static int proportion(ReplicaSet rs, Deployment deployment, int toAdd, int added) {
        if (Replicas.of(rs) == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, deployment);
        int allowed = toAdd - added;
        // Never past what may still be added (or removed).
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    /** How much this ReplicaSet would change if scaled in proportion to the deployment's bound. */
    private static int fraction(ReplicaSet rs, Deployment deployment) {
        int size = Replicas.of(rs);
        int replicas = Replicas.of(deployment);
        if (replicas == 0) {
            return -size;
        }
        int maxNow = replicas + Fenceposts.of(deployment).maxSurge();
        OptionalInt annotated = Revisions.maxReplicas(rs);
        int maxBefore = annotated.isPresent() && annotated.getAsInt() != 0
                ? annotated.getAsInt()
                : deployment.getStatus().getReplicas();
        if (maxBefore == 0) {
            return 0;
        }
        double scaled = (double) size * maxNow / maxBefore;
        // Go's math.Round: halves away from zero.
        return (int) Math.round(scaled) - size;
    }
}
