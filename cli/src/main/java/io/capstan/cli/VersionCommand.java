package io.capstan.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code capstan version}: the client's version. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the client version.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() {
        Verbs.out(spec).println("Client Version: " + Capstan.version());
        return Capstan.OK;
    }
}
