package io.capstan.cli;

import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan rollout pause deployment/web}: see {@link RolloutSpecChanges#pause}. */
@Command(
        name = "pause",
        mixinStandardHelpOptions = true,
        description = "Pause a deployment's rollouts: template changes wait until it is resumed.")
final class RolloutPauseCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    RolloutCommand rollout;

    @Spec
    @Nullable
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    NamespaceOption namespace = new NamespaceOption();

    @Parameters(paramLabel = "deployment/NAME", arity = "1..2", description = "The deployment.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        Capstan capstan = RolloutCommand.capstan(rollout);
        ObjectRef ref = Rollouts.deployment(args, "pause");
        try (ObjectClient client = capstan.connect(global)) {
            Deployment deployment = Rollouts.get(client, namespace.namespace(), ref.name());
            Rollouts.patch(client, deployment, RolloutSpecChanges.pause(deployment));
            Verbs.out(spec).println(ref.type().ref(ref.name()) + " paused");
            return Capstan.OK;
        }
    }
}
