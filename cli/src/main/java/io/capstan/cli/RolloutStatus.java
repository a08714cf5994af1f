package io.capstan.cli;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.DeploymentStatus;

/**
 * How far a deployment's rollout is, in kubectl's words (its DeploymentStatusViewer): what to
 * print, and whether the rollout is done or has failed. Immutable.
 *
 * @param message the line to print
 * @param done the rollout finished: every replica updated and available, no old one left
 * @param failed the rollout made no progress within its deadline (Progressing=False with reason
 *     ProgressDeadlineExceeded); {@code message} says so
 */
record RolloutStatus(String message, boolean done, boolean failed) {
    static final String PROGRESSING = "Progressing";
    static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    static RolloutStatus of(Deployment deployment) {
        String name = deployment.getMetadata().getName();
        DeploymentStatus status = deployment.getStatus();
        if (deployment.getMetadata().getGeneration() > status.getObservedGeneration()) {
            return waiting("Waiting for deployment spec update to be observed...");
        }
        for (DeploymentCondition condition : status.getConditionsList()) {
            if (condition.getType().equals(PROGRESSING) && condition.getReason().equals(PROGRESS_DEADLINE_EXCEEDED)) {
                return new RolloutStatus("deployment \"" + name + "\" exceeded its progress deadline", false, true);
            }
        }
        int replicas = deployment.getSpec().hasReplicas() ? deployment.getSpec().getReplicas() : 1;
        String waiting = "Waiting for deployment \"" + name + "\" rollout to finish: ";
        if (status.getUpdatedReplicas() < replicas) {
            return waiting(waiting + status.getUpdatedReplicas() + " out of " + replicas
                    + " new replicas have been updated...");
        }
        if (status.getReplicas() > status.getUpdatedReplicas()) {
            return waiting(waiting + (status.getReplicas() - status.getUpdatedReplicas())
                    + " old replicas are pending termination...");
        }
        if (status.getAvailableReplicas() < status.getUpdatedReplicas()) {
            return waiting(waiting + status.getAvailableReplicas() + " of " + status.getUpdatedReplicas()
                    + " updated replicas are available...");
        }
        return new RolloutStatus("deployment \"" + name + "\" successfully rolled out", true, false);
    }

    private static RolloutStatus waiting(String message) {
        return new RolloutStatus(message, false, false);
    }
}
