package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.ObjectClient;
import io.capstan.controllers.deployment.Revisions;
import io.capstan.controllers.deployment.Rollback;
import io.capstan.controllers.deployment.TemplateMatch;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan rollout undo deployment/web [--to-revision N]}: rolls back client-side as kubectl
 * does, with the Deployment controller's own {@link Rollback}: the deployment's template becomes
 * that revision's ReplicaSet's template, by an update guarded by the resourceVersion read (re-read
 * on a conflict); the controller then rolls out as for any template change.
 */
@Command(
        name = "undo",
        mixinStandardHelpOptions = true,
        description = "Roll a deployment back to its previous revision, or to --to-revision.")
final class RolloutUndoCommand extends RolloutVerbCommand {
    private static final int MAX_ATTEMPTS = 5;

    @Option(
            names = "--to-revision",
            paramLabel = "N",
            description = "The revision to go back to; 0 (the default): the previous one.")
    long toRevision;

    @Override
    public Integer call() {
        Capstan capstan = RolloutCommand.capstan(rollout);
        ObjectRef ref = Rollouts.deployment(args, "undo");
        if (toRevision < 0) {
            throw new CommandException("--to-revision: must be >= 0, got " + toRevision);
        }
        try (ObjectClient client = capstan.connect(global)) {
            for (int attempt = 1; ; attempt++) {
                Deployment deployment = Rollouts.get(client, namespace.namespace(), ref.name());
                if (deployment.getSpec().getPaused()) {
                    throw new CommandException("you cannot rollback a paused deployment; resume it first with"
                            + " 'capstan rollout resume " + ref.type().ref(ref.name()) + "' and try again");
                }
                List<ReplicaSet> owned = Rollouts.owned(client, deployment);
                Optional<ReplicaSet> target = Rollback.find(deployment, owned, toRevision);
                if (target.isEmpty()) {
                    throw new CommandException(
                            toRevision == 0
                                    ? "no rollout history found for "
                                            + ref.type().ref(ref.name())
                                    : "unable to find specified revision " + toRevision + " in history");
                }
                long revision = Revisions.of(target.get());
                if (TemplateMatch.equalIgnoringHash(
                        deployment.getSpec().getTemplate(),
                        target.get().getSpec().getTemplate())) {
                    Verbs.out(spec)
                            .println(ref.type().ref(ref.name())
                                    + " skipped rollback (current template already matches revision " + revision
                                    + ")");
                    return Capstan.OK;
                }
                try {
                    client.deployments().update(Rollback.to(deployment, target.get()));
                    Verbs.out(spec).println(ref.type().ref(ref.name()) + " rolled back");
                    return Capstan.OK;
                } catch (ConflictException e) {
                    if (attempt >= MAX_ATTEMPTS) {
                        throw new CommandException(Errors.about(e, ref.type(), ref.name()), e);
                    }
                } catch (ApiException e) {
                    throw new CommandException(Errors.about(e, ref.type(), ref.name()), e);
                }
            }
        }
    }
}
