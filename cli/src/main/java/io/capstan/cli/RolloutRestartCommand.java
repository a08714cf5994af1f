package io.capstan.cli;

import picocli.CommandLine.Command;

/** {@code capstan rollout restart deployment/web}: see {@link RolloutSpecChanges#restart}. */
@Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description =
                "Restart a deployment's pods by a rollout: sets the template annotation kubectl.kubernetes.io/restartedAt to now.")
final class RolloutRestartCommand extends RolloutChangeCommand {
    RolloutRestartCommand() {
        super("restart", "restarted", RolloutSpecChanges::restart);
    }
}
