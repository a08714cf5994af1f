package io.capstan.cli.store;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan store snapshot save|restore}. */
@Command(
        name = "snapshot",
        mixinStandardHelpOptions = true,
        description = "Saves the store's state to a file, or restores one into a new data directory.",
        subcommands = {SnapshotSaveCommand.class, SnapshotRestoreCommand.class})
final class SnapshotCommand implements Runnable {
    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public void run() {
        CommandSpec self = Commands.require(spec);
        self.commandLine().usage(self.commandLine().getOut());
    }
}
