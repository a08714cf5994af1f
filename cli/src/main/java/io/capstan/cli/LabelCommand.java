package io.capstan.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
final class LabelCommand extends MetadataEditCommand {
    @Parameters(
            paramLabel = OBJECTS_THEN_CHANGES,
            arity = "1..*",
            description = "The objects, then the labels to set or remove.")
    List<String> args = new ArrayList<>();

    @Option(names = "--overwrite", description = "Allow changing the value of an existing label.")
    boolean overwrite;

    @Override
    public Integer call() {
        return edit(MetadataEdit.Field.LABELS, args, overwrite);
    }
}
