package io.capstan.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capstan.client.ConflictException;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code capstan label} and {@code capstan annotate} share, with kubectl's rules: a key that
 * has a different value is changed only with {@code --overwrite}; removing a missing key is a
 * warning. Each object is changed by a merge patch guarded by the resourceVersion the check was
 * made against, re-read and retried on a conflict.
 */
final class MetadataEdit {
    private static final int MAX_ATTEMPTS = 5;

    /** The map of metadata an edit changes, with its words for the output. */
    enum Field {
        LABELS("labels", "label", "labeled", "unlabeled"),
        ANNOTATIONS("annotations", "annotation", "annotated", "unannotated");

        final String field;
        final String noun;
        final String done;
        final String undone;

        Field(String field, String noun, String done, String undone) {
            this.field = field;
            this.noun = noun;
            this.done = done;
            this.undone = undone;
        }

        Map<String, String> of(ObjectMeta meta) {
            return this == LABELS ? meta.getLabelsMap() : meta.getAnnotationsMap();
        }
    }

    private MetadataEdit() {}

    /** Runs the verb on {@code args} (objects, then changes); returns the exit code. */
    static int run(
            Capstan capstan,
            GlobalOptions global,
            NamespaceOption namespace,
            List<String> args,
            boolean overwrite,
            Field field,
            PrintWriter out,
            PrintWriter err) {
        List<String> objects = new ArrayList<>();
        List<String> changeArgs = new ArrayList<>();
        for (String arg : args) {
            (KeyChanges.isChange(arg) ? changeArgs : objects).add(arg);
        }
        List<ObjectBatch.Target> targets = ObjectBatch.targets(objects, namespace);
        KeyChanges changes = KeyChanges.parse(changeArgs, field.noun);
        return ObjectBatch.run(
                capstan,
                global,
                targets,
                (client, target) -> edit(client, target.namespace(), target.ref(), changes, overwrite, field, err),
                out,
                err);
    }

    /** Changes one object; returns what happened: "labeled", "unlabeled" or "not labeled". */
    private static String edit(
            ObjectClient client,
            String namespace,
            ObjectRef ref,
            KeyChanges changes,
            boolean overwrite,
            Field field,
            PrintWriter err) {
        String kind = ref.type().kind().name();
        for (int attempt = 1; ; attempt++) {
            TypedObject current = client.get(kind, namespace, ref.name());
            ObjectMeta meta = Kind.metadataOf(current);
            Map<String, String> existing = field.of(meta);
            if (!overwrite) {
                for (Map.Entry<String, String> change : changes.set().entrySet()) {
                    String old = existing.get(change.getKey());
                    if (old != null && !old.equals(change.getValue())) {
                        throw new CommandException(ref.type().ref(ref.name()) + ": '" + change.getKey()
                                + "' already has a value (" + old + "), and --overwrite is false");
                    }
                }
            }
            if (attempt == 1) {
                for (String key : changes.remove()) {
                    if (!existing.containsKey(key)) {
                        err.println("warning: " + field.noun + " \"" + key + "\" not found.");
                    }
                }
            }
            if (changes.appliedTo(existing).equals(existing)) {
                return "not " + field.done;
            }
            try {
                client.patch(kind, namespace, ref.name(), patch(meta.getResourceVersion(), changes, field));
                return changes.set().isEmpty() ? field.undone : field.done;
            } catch (ConflictException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** {@code {"metadata":{"resourceVersion":rv,"labels":{"k":"v","gone":null}}}}. */
    static String patch(String resourceVersion, KeyChanges changes, Field field) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode metadata = patch.putObject("metadata");
        if (!resourceVersion.isEmpty()) {
            metadata.put("resourceVersion", resourceVersion);
        }
        ObjectNode map = metadata.putObject(field.field);
        changes.set().forEach(map::put);
        changes.remove().forEach(map::putNull);
        return patch.toString();
    }
}
