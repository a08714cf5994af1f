package io.capstan.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code capstan rollout status|history|undo|pause|resume|restart deployment/NAME}. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = "Manage the rollout of a deployment.",
        subcommands = {
            RolloutStatusCommand.class,
            RolloutHistoryCommand.class,
            RolloutUndoCommand.class,
            RolloutPauseCommand.class,
            RolloutResumeCommand.class,
            RolloutRestartCommand.class
        })
final class RolloutCommand implements Runnable {
    @ParentCommand
    @Nullable
    Capstan root;

    @Override
    public void run() {
        throw new CommandException("rollout needs a subcommand: status, history, undo, pause, resume or restart"
                + " (see 'capstan rollout --help')");
    }

    static Capstan capstan(@Nullable RolloutCommand rollout) {
        if (rollout == null) {
            throw new IllegalStateException("a rollout verb runs under capstan rollout");
        }
        return Verbs.root(rollout.root);
    }
}
