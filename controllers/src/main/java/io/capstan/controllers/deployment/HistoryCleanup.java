package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Which old ReplicaSets to delete so that at most revisionHistoryLimit remain, as Kubernetes'
 * cleanupDeployment: the lowest revisions go first, and only those that are fully scaled down
 * (spec and status 0 replicas, status up to date) and not already being deleted. One still holding
 * pods is skipped, not waited for, so fewer than the excess may be deleted in one pass.
 */
final class HistoryCleanup {
    private HistoryCleanup() {}

    static List<ReplicaSet> toDelete(Deployment deployment, List<ReplicaSet> old) {
        if (!deployment.getSpec().hasRevisionHistoryLimit()) {
            return List.of();
        }
        List<ReplicaSet> alive = new ArrayList<>();
        for (ReplicaSet rs : old) {
            if (!rs.getMetadata().hasDeletionTimestamp()) {
                alive.add(rs);
            }
        }
        int excess = alive.size() - deployment.getSpec().getRevisionHistoryLimit();
        if (excess <= 0) {
            return List.of();
        }
        alive.sort(ReplicaSetOrder.BY_REVISION);
        List<ReplicaSet> doomed = new ArrayList<>();
        for (ReplicaSet rs : alive.subList(0, excess)) {
            boolean empty = rs.getStatus().getReplicas() == 0 && Replicas.of(rs) == 0;
            boolean observed =
                    rs.getMetadata().getGeneration() <= rs.getStatus().getObservedGeneration();
            if (empty && observed) {
                doomed.add(rs);
            }
        }
        return doomed;
    }
}
