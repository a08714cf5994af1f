package io.capstan.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A top-level verb of {@code capstan} that works on namespaced objects ({@code get}, {@code apply},
 * {@code create}, {@code delete}, {@code patch}, {@code label}, {@code describe}, {@code logs},
 * ...): the connection and namespace flags it takes, and what picocli injects. A subclass declares
 * its own parameters and options.
 */
abstract class ObjectVerbCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    Capstan root;

    @Spec
    @Nullable
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    NamespaceOption namespace = new NamespaceOption();

    /** Runs {@code action} on each of {@code targets} in turn (see {@link ObjectBatch#run}); returns the exit code. */
    final int forEach(List<ObjectBatch.Target> targets, ObjectBatch.Action action) {
        return ObjectBatch.run(Verbs.root(root), global, targets, action, Verbs.out(spec), Verbs.err(spec));
    }
}
