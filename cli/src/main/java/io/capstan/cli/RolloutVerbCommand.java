package io.capstan.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand of {@code capstan rollout}: the deployment it names ({@code deployment/web} or
 * {@code deployment web}, see {@link Rollouts#deployment}), the connection and namespace flags, and
 * what picocli injects.
 */
abstract class RolloutVerbCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    RolloutCommand rollout;

    @Spec
    @Nullable
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Mixin
    NamespaceOption namespace = new NamespaceOption();

    @Parameters(paramLabel = "deployment/NAME", arity = "1..2", description = "The deployment.")
    List<String> args = new ArrayList<>();
}
