package io.capstan.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan uncordon NODE}: marks the node schedulable again; prints {@code node/n1 uncordoned}. */
@Command(name = "uncordon", mixinStandardHelpOptions = true, description = "Mark a node schedulable again.")
final class UncordonCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    Capstan root;

    @Spec
    @Nullable
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(paramLabel = "NODE", description = "The node.")
    String node = "";

    @Override
    public Integer call() {
        return CordonCommand.run(Verbs.root(root), global, spec, node, false);
    }
}
