package io.capstan.controllers.deployment;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rolling a deployment back to an earlier revision: its pod template becomes that revision's
 * ReplicaSet's template (without the {@value TemplateHash#LABEL} label), and its annotations that
 * travel with templates (a change-cause, say) come along. The rollout that follows is an ordinary
 * one; the old ReplicaSet becomes the new one again and takes the next revision number.
 *
 * <p><b>Through the API, client-side</b> (what {@code kubectl rollout undo} does): list the
 * ReplicaSets the deployment controls, pick the one whose {@value Revisions#REVISION} annotation is
 * the revision wanted ({@link #find}; 0 means the previous one), and Update the deployment to
 * {@link #to(Deployment, ReplicaSet)} with its resourceVersion.
 *
 * <p><b>Through the API, by annotation</b>: Update the deployment with the annotation {@value
 * Revisions#ROLLBACK_TO} set to the revision ("0": the previous one). The controller does the above
 * and removes the annotation, recording an event: {@code DeploymentRollback} on success, {@code
 * RollbackRevisionNotFound} or {@code RollbackTemplateUnchanged} (warnings) when it cannot. A
 * paused deployment keeps the request until it is resumed.
 */
public final class Rollback {
    static final String ROLLED_BACK = "DeploymentRollback";
    static final String REVISION_NOT_FOUND = "RollbackRevisionNotFound";
    static final String TEMPLATE_UNCHANGED = "RollbackTemplateUnchanged";

    private Rollback() {}

    /**
     * The ReplicaSet of {@code revision} among a deployment's ReplicaSets; for 0, the one before
     * the current template's.
     */
    public static Optional<ReplicaSet> find(Deployment deployment, List<ReplicaSet> owned, long revision) {
        long wanted = revision != 0 ? revision : previousRevision(deployment, owned);
        if (wanted == 0) {
            return Optional.empty();
        }
        return owned.stream().filter(rs -> Revisions.of(rs) == wanted).findFirst();
    }

    /** {@code deployment} with {@code target}'s template and template annotations. */
    public static Deployment to(Deployment deployment, ReplicaSet target) {
        Deployment.Builder builder = deployment.toBuilder();
        builder.getSpecBuilder()
                .setTemplate(TemplateMatch.withoutHash(target.getSpec().getTemplate()));
        builder.getMetadataBuilder()
                .clearAnnotations()
                .putAllAnnotations(Revisions.annotationsAfterRollback(deployment, target));
        return builder.build();
    }

    /** The revision the {@value Revisions#ROLLBACK_TO} annotation asks for, if it is a number. */
    static OptionalLong requested(Deployment deployment) {
        String value = deployment.getMetadata().getAnnotationsMap().get(Revisions.ROLLBACK_TO);
        if (value == null || value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    enum Outcome {
        ROLLED_BACK,
        REVISION_NOT_FOUND,
        TEMPLATE_UNCHANGED
    }

    /**
     * What a rollback request comes to.
     *
     * @param updated the deployment to write: the request annotation removed and, when rolled
     *     back, the template replaced
     * @param message for the event
     */
    record Decision(Outcome outcome, Deployment updated, String message) {
        String reason() {
            return switch (outcome) {
                case ROLLED_BACK -> ROLLED_BACK;
                case REVISION_NOT_FOUND -> REVISION_NOT_FOUND;
                case TEMPLATE_UNCHANGED -> TEMPLATE_UNCHANGED;
            };
        }
    }

    /** Carries out the annotation's request (Kubernetes' rollback). */
    static Decision decide(Deployment deployment, List<ReplicaSet> owned, long revision) {
        Deployment cleared = withoutRequest(deployment);
        long wanted = revision != 0 ? revision : previousRevision(deployment, owned);
        if (wanted == 0) {
            return new Decision(Outcome.REVISION_NOT_FOUND, cleared, "Unable to find last revision.");
        }
        Optional<ReplicaSet> target =
                owned.stream().filter(rs -> Revisions.of(rs) == wanted).findFirst();
        if (target.isEmpty()) {
            return new Decision(Outcome.REVISION_NOT_FOUND, cleared, "Unable to find the revision to rollback to.");
        }
        String name = deployment.getMetadata().getName();
        if (TemplateMatch.equalIgnoringHash(
                deployment.getSpec().getTemplate(), target.get().getSpec().getTemplate())) {
            return new Decision(
                    Outcome.TEMPLATE_UNCHANGED,
                    cleared,
                    "The rollback revision contains the same template as current deployment \"" + name + "\"");
        }
        return new Decision(
                Outcome.ROLLED_BACK,
                withoutRequest(to(deployment, target.get())),
                "Rolled back deployment \"" + name + "\" to revision " + wanted);
    }

    /**
     * The revision before the current template's: the second-highest when a ReplicaSet has the
     * current template, else the highest (the current template would get a new, higher one).
     */
    private static long previousRevision(Deployment deployment, List<ReplicaSet> owned) {
        return TemplateMatch.findNew(deployment, owned).isPresent() ? Revisions.previous(owned) : Revisions.max(owned);
    }

    private static Deployment withoutRequest(Deployment deployment) {
        if (!deployment.getMetadata().containsAnnotations(Revisions.ROLLBACK_TO)) {
            return deployment;
        }
        Deployment.Builder builder = deployment.toBuilder();
        builder.getMetadataBuilder().removeAnnotations(Revisions.ROLLBACK_TO);
        return builder.build();
    }
}
