package io.capstan.cli;

import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Deployment;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * What {@code capstan rollout pause}, {@code resume} and {@code restart} share: read the
 * deployment, make the merge patch of the verb from it (see {@link RolloutSpecChanges}), apply it
 * and print {@code deployment/web paused}.
 */
abstract class RolloutChangeCommand extends RolloutVerbCommand {
    private final String verb;
    private final String done;
    private final BiFunction<Deployment, Instant, String> change;

    /**
     * @param verb the subcommand's name, for errors: "pause"
     * @param done what the output says happened: "paused"
     * @param change the merge patch for the deployment as read and the time now; throws a
     *     {@link CommandException} to refuse
     */
    RolloutChangeCommand(String verb, String done, BiFunction<Deployment, Instant, String> change) {
        this.verb = verb;
        this.done = done;
        this.change = change;
    }

    @Override
    public final Integer call() {
        Capstan capstan = RolloutCommand.capstan(rollout);
        ObjectRef ref = Rollouts.deployment(args, verb);
        try (ObjectClient client = capstan.connect(global)) {
            Deployment deployment = Rollouts.get(client, namespace.namespace(), ref.name());
            Rollouts.patch(
                    client, deployment, change.apply(deployment, capstan.clock().instant()));
            Verbs.out(spec).println(ref.type().ref(ref.name()) + " " + done);
            return Capstan.OK;
        }
    }
}
