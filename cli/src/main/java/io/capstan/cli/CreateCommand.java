package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan create -f FILE|DIR|-}: creates each object; one that exists already is an error.
 * Prints {@code deployment/web created}.
 */
@Command(name = "create", mixinStandardHelpOptions = true, description = "Create objects from manifests.")
final class CreateCommand extends ObjectVerbCommand {
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
                    TypedObject created = client.create(object);
                    out.println(type.ref(Kind.metadataOf(created).getName()) + " created");
                } catch (ApiException e) {
                    err.println("error: " + Errors.about(e, type, meta.getName()));
                    failed = true;
                }
                out.flush();
            }
        }
        return failed ? Capstan.ERROR : Capstan.OK;
    }
}
