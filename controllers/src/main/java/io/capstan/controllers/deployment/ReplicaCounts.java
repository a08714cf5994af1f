package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sums over a deployment's ReplicaSets. Two kinds: what the ReplicaSets report (their status, for
 * the deployment's own status) and cautious bounds for rollout decisions, which hold even while a
 * ReplicaSet's status lags behind its spec.
 *
 * <p>Why the bounds: a ReplicaSet just scaled from 10 to 8 still has 10 pods, all available, until
 * its controller deletes two and reports it. Counting its pods as {@code max(spec, status.replicas)}
 * = 10 keeps the rollout from adding new pods on top of the two still there; counting its available
 * pods as {@code min(spec, status.availableReplicas)} = 8 keeps it from removing more old pods on
 * the strength of two that are about to go.
 */
final class ReplicaCounts {
    private ReplicaCounts() {}

    /** Sum of spec.replicas. */
    static int desired(Collection<ReplicaSet> replicaSets) {
        int total = 0;
        for (ReplicaSet rs : replicaSets) {
            total += Replicas.of(rs);
        }
        return total;
    }

    /** Sum of status.replicas: the pods they own, not counting those being deleted. */
    static int actual(Collection<ReplicaSet> replicaSets) {
        int total = 0;
        for (ReplicaSet rs : replicaSets) {
            total += rs.getStatus().getReplicas();
        }
        return total;
    }

    static int ready(Collection<ReplicaSet> replicaSets) {
        int total = 0;
        for (ReplicaSet rs : replicaSets) {
            total += rs.getStatus().getReadyReplicas();
        }
        return total;
    }

    static int available(Collection<ReplicaSet> replicaSets) {
        int total = 0;
        for (ReplicaSet rs : replicaSets) {
            total += rs.getStatus().getAvailableReplicas();
        }
        return total;
    }

    /** The most pods that may exist now or soon: max(spec, status) per ReplicaSet. */
    static int podsAtMost(Collection<ReplicaSet> replicaSets) {
        int total = 0;
        for (ReplicaSet rs : replicaSets) {
            total += Math.max(Replicas.of(rs), rs.getStatus().getReplicas());
        }
        return total;
    }

    /** Available pods that will stay: min(spec, status.availableReplicas) per ReplicaSet. */
    static int availableAtLeast(Collection<ReplicaSet> replicaSets) {
        int total = 0;
        for (ReplicaSet rs : replicaSets) {
            total += availableAtLeast(rs);
        }
        return total;
    }

    static int availableAtLeast(ReplicaSet rs) {
        return Math.min(Replicas.of(rs), rs.getStatus().getAvailableReplicas());
    }

    /** Those with spec.replicas > 0 (Kubernetes' FilterActiveReplicaSets). */
    static List<ReplicaSet> active(Collection<ReplicaSet> replicaSets) {
        List<ReplicaSet> active = new ArrayList<>();
        for (ReplicaSet rs : replicaSets) {
            if (Replicas.of(rs) > 0) {
                active.add(rs);
            }
        }
        return active;
    }

    /** {@code old} plus {@code newRs} when there is one. */
    static List<ReplicaSet> all(@Nullable ReplicaSet newRs, Collection<ReplicaSet> old) {
        List<ReplicaSet> all = new ArrayList<>(old);
        if (newRs != null) {
            all.add(newRs);
        }
        return all;
    }
}
