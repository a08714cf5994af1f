package io.capstan.cli;

import picocli.CommandLine.Command;

/** {@code capstan rollout pause deployment/web}: see {@link RolloutSpecChanges#pause}. */
@Command(
        name = "pause",
        mixinStandardHelpOptions = true,
        description = "Pause a deployment's rollouts: template changes wait until it is resumed.")
final class RolloutPauseCommand extends RolloutChangeCommand {
    RolloutPauseCommand() {
        super("pause", "paused", (deployment, now) -> RolloutSpecChanges.pause(deployment));
    }
}
