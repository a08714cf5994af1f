package io.capstan.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code capstan label TYPE NAME KEY=VALUE KEY-}: sets and removes labels as kubectl does (see
 * {@link MetadataEdit}) and prints {@code pod/web labeled}.
 */
@Command(
        name = "label",
        mixinStandardHelpOptions = true,
        description = {
            "Update the labels of objects.",
            "KEY=VALUE sets a label; KEY- removes one. A label that has another value is changed only with"
                    + " --overwrite."
        })
final class LabelCommand implements Callable<Integer> {
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

    @Parameters(
            paramLabel = "(TYPE NAME... | TYPE/NAME...) (KEY=VALUE | KEY-)",
            arity = "1..*",
            description = "The objects, then the labels to set or remove.")
    List<String> args = new ArrayList<>();

    @Option(names = "--overwrite", description = "Allow changing the value of an existing label.")
    boolean overwrite;

    @Override
    public Integer call() {
        return MetadataEdit.run(
                Verbs.root(root),
                global,
                namespace,
                args,
                overwrite,
                MetadataEdit.Field.LABELS,
                Verbs.out(spec),
                Verbs.err(spec));
    }
}
