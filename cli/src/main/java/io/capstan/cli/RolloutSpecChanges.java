package io.capstan.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capstan.proto.api.v1.Deployment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The merge patches of {@code rollout pause}, {@code resume} and {@code restart}, each guarded by
 * the resourceVersion of the deployment it was checked against, with kubectl's refusals.
 */
final class RolloutSpecChanges {
    /** The pod-template annotation a restart sets, kubectl's, so that both tools restart alike. */
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    private RolloutSpecChanges() {}

    /**
     * Sets spec.paused.
     *
     * @throws CommandException if it is paused already
     */
    static String pause(Deployment deployment) {
        if (deployment.getSpec().getPaused()) {
            throw new CommandException(Rollouts.quoted(deployment.getMetadata().getName()) + " is already paused");
        }
        return paused(deployment, true);
    }

    /**
     * Clears spec.paused.
     *
     * @throws CommandException if it is not paused
     */
    static String resume(Deployment deployment) {
        if (!deployment.getSpec().getPaused()) {
            throw new CommandException(Rollouts.quoted(deployment.getMetadata().getName()) + " is not paused");
        }
        return paused(deployment, false);
    }

    /**
     * Sets the template annotation {@value #RESTARTED_AT} to {@code now} (RFC 3339, in seconds): a
     * template change, so a rollout replaces every pod.
     *
     * @throws CommandException if the deployment is paused, when nothing would roll out
     */
    static String restart(Deployment deployment, Instant now) {
        if (deployment.getSpec().getPaused()) {
            throw new CommandException("can't restart paused "
                    + Rollouts.quoted(deployment.getMetadata().getName()) + " (run 'capstan rollout resume' first)");
        }
        ObjectNode patch = guarded(deployment);
        patch.putObject("spec")
                .putObject("template")
                .putObject("metadata")
                .putObject("annotations")
                .put(RESTARTED_AT, now.truncatedTo(ChronoUnit.SECONDS).toString());
        return patch.toString();
    }

    private static String paused(Deployment deployment, boolean paused) {
        ObjectNode patch = guarded(deployment);
        patch.putObject("spec").put("paused", paused);
        return patch.toString();
    }

    private static ObjectNode guarded(Deployment deployment) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.putObject("metadata")
                .put("resourceVersion", deployment.getMetadata().getResourceVersion());
        return patch;
    }
}
