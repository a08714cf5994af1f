package io.capstan.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code capstan completion bash}: a completion script for bash (and zsh with bashcompinit), from
 * picocli's AutoComplete. Load it with {@code source <(capstan completion bash)}.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.", "Load it with: source <(capstan completion bash)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash (zsh reads it too, after bashcompinit).")
    String shell = "bash";

    @Override
    public Integer call() {
        String wanted = shell.toLowerCase(Locale.ROOT);
        if (!wanted.equals("bash") && !wanted.equals("zsh")) {
            throw new CommandException("unsupported shell \"" + shell + "\": bash or zsh");
        }
        if (spec == null) {
            throw new IllegalStateException("picocli injects the spec before a verb runs");
        }
        spec.commandLine()
                .getOut()
                .print(AutoComplete.bash("capstan", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return Capstan.OK;
    }
}
