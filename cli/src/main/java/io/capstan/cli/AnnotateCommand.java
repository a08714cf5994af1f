package io.capstan.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
final class AnnotateCommand extends MetadataEditCommand {
    @Parameters(
            paramLabel = OBJECTS_THEN_CHANGES,
            arity = "1..*",
            description = "The objects, then the annotations to set or remove.")
    List<String> args = new ArrayList<>();

    @Option(names = "--overwrite", description = "Allow changing the value of an existing annotation.")
    boolean overwrite;

    @Override
    public Integer call() {
        return edit(MetadataEdit.Field.ANNOTATIONS, args, overwrite);
    }
}
