package io.capstan.cli;

import picocli.CommandLine.Command;

/** {@code capstan rollout resume deployment/web}: see {@link RolloutSpecChanges#resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused deployment.")
final class RolloutResumeCommand extends RolloutChangeCommand {
    RolloutResumeCommand() {
        super("resume", "resumed", (deployment, now) -> RolloutSpecChanges.resume(deployment));
    }
}
