package io.capstan.cli;

import java.util.List;

/**
 * What {@code capstan label} and {@code capstan annotate} share: running {@link MetadataEdit} with
 * the flags of the verb. A subclass declares the objects-then-changes parameters and {@code
 * --overwrite}, as their help names the map of metadata it edits.
 */
abstract class MetadataEditCommand extends ObjectVerbCommand {
    static final String OBJECTS_THEN_CHANGES = "(TYPE NAME... | TYPE/NAME...) (KEY=VALUE | KEY-)";

    /** Edits {@code field} of the objects {@code args} names, then the changes; returns the exit code. */
    final int edit(MetadataEdit.Field field, List<String> args, boolean overwrite) {
        return MetadataEdit.run(
                Verbs.root(root), global, namespace, args, overwrite, field, Verbs.out(spec), Verbs.err(spec));
    }
}
