package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.Applied;
import io.capstan.client.Kind;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan apply -f FILE|DIR|-}: creates each object, or makes its content, labels and
 * annotations those of the manifest. Prints {@code deployment/web created}, {@code configured} (its
 * resourceVersion changed) or {@code unchanged}. A failed object is reported and the others still
 * go; the exit code is then 1.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = "Create or update objects from manifests (multi-document YAML or JSON).")
final class ApplyCommand extends ObjectVerbCommand {
    @Option(
            names = {"-f", "--filename"},
            paramLabel = "FILE|DIR|-",
            required = true,
            description = "Manifest file, directory of manifests, or - for standard input.")
    List<String> files = new ArrayList<>();

    @Override
    public Integer call() {
        Capstan capstan = Verbs.root(root);
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        List<TypedObject> objects =
                ManifestFiles.read(files, capstan.stdin(), namespace.namespace(), namespace.isExplicit());
        boolean failed = false;
        try (ObjectClient client = capstan.connect(global)) {
            for (TypedObject object : objects) {
                ResourceType type = ResourceType.of(Kind.of(object));
                ObjectMeta meta = Kind.metadataOf(object);
                try {
                    out.println(type.ref(meta.getName()) + " " + apply(client, object, meta));
                } catch (ApiException e) {
                    err.println("error: " + Errors.about(e, type, meta.getName()));
                    failed = true;
                }
                out.flush();
            }
        }
        return failed ? Capstan.ERROR : Capstan.OK;
    }

    private static String apply(ObjectClient client, TypedObject object, ObjectMeta meta) {
        String before = "";
        if (!meta.getName().isEmpty()) {
            try {
                before = Kind.metadataOf(client.get(Kind.of(object).name(), meta.getNamespace(), meta.getName()))
                        .getResourceVersion();
            } catch (NotFoundException e) {
                // created below
            }
        }
        Applied<TypedObject> applied = client.apply(object);
        if (applied.created()) {
            return "created";
        }
        String after = Kind.metadataOf(applied.object()).getResourceVersion();
        return after.equals(before) ? "unchanged" : "configured";
    }
}
