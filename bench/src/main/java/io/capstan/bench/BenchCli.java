package io.capstan.bench;

import picocli.CommandLine;

/** Runs a picocli command the way every entry point of the bench does. */
final class BenchCli {
    private BenchCli() {}

    /**
     * Parses {@code args} for {@code command} and runs it. A bad option value (IllegalArgumentException)
     * or a run that cannot go on (IllegalStateException) prints one line naming the command and
     * returns 2; anything else propagates with its stack trace.
     */
    static int execute(Object command, String[] args) {
        return new CommandLine(command)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                        cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
                        return 2;
                    }
                    throw e;
                })
                .execute(args);
    }
}
