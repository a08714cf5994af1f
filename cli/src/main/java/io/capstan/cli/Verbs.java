package io.capstan.cli;

import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** What every verb takes from picocli's injected fields, which are set before it runs. */
final class Verbs {
    private Verbs() {}

    static Capstan root(@Nullable Capstan root) {
        if (root == null) {
            throw new IllegalStateException("a verb runs under the capstan command");
        }
        return root;
    }

    static PrintWriter out(@Nullable CommandSpec spec) {
        return spec(spec).commandLine().getOut();
    }

    static PrintWriter err(@Nullable CommandSpec spec) {
        return spec(spec).commandLine().getErr();
    }

    private static CommandSpec spec(@Nullable CommandSpec spec) {
        if (spec == null) {
            throw new IllegalStateException("picocli injects the spec before a verb runs");
        }
        return spec;
    }
}
