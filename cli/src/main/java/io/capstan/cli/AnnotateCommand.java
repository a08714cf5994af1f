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
 * {@code capstan annotate TYPE NAME KEY=VALUE KEY-}: sets and removes annotations as kubectl does (see
 * {@link MetadataEdit}) and prints {@code pod/web annotated}.
 */
@Command(
        name = "annotate",
        mixinStandardHelpOptions = true,
        description = {
            "Update the annotations of objects.",
            "KEY=VALUE sets a annotation; KEY- removes one. A annotation that has another value is changed only with"
                    + " --overwrite."
        })
final class AnnotateCommand implements Callable<Integer> {
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
            description = "The objects, then the annotations to set or remove.")
    List<String> args = new ArrayList<>();

    @Option(names = "--overwrite", description = "Allow changing the value of an existing annotation.")
    boolean overwrite;

    @Override
    public Integer call() {
        return MetadataEdit.run(
                Verbs.root(root),
                global,
                namespace,
                args,
                overwrite,
                MetadataEdit.Field.ANNOTATIONS,
                Verbs.out(spec),
                Verbs.err(spec));
    }
}
