package io.capstan.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code capstan set image ...}: the group of verbs that set one aspect of an object. */
@Command(
        name = "set",
        mixinStandardHelpOptions = true,
        description = "Set specific features on objects.",
        subcommands = {SetImageCommand.class})
final class SetCommand implements Runnable {
    @ParentCommand
    @Nullable
    Capstan root;

    @Override
    public void run() {
        throw new CommandException("set needs a subcommand: image (see 'capstan set --help')");
    }

    Capstan capstan() {
        return Verbs.root(root);
    }
}
