package io.capstan.cli;

import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.TypedObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan patch TYPE NAME -p PATCH}: applies a JSON merge patch, given in JSON or YAML,
 * through the API's Patch call and prints {@code deployment/web patched}, or {@code patched (no
 * change)} when the object stayed as it was.
 */
@Command(
        name = "patch",
        mixinStandardHelpOptions = true,
        description = {
            "Update fields of an object with a JSON merge patch (RFC 7386).",
            "Example: capstan patch deployment web -p '{\"spec\":{\"replicas\":3}}'"
        })
final class PatchCommand extends ObjectVerbCommand {
    @Parameters(paramLabel = "TYPE NAME | TYPE/NAME", arity = "1..*", description = "What to patch.")
    List<String> args = new ArrayList<>();

    @Option(
            names = {"-p", "--patch"},
            paramLabel = "PATCH",
            description = "The patch, as a JSON or YAML object.")
    @Nullable
    String patch;

    @Option(names = "--patch-file", paramLabel = "FILE", description = "Read the patch from FILE ('-': stdin).")
    @Nullable
    String patchFile;

    @Option(
            names = "--type",
            paramLabel = "TYPE",
            description = "The kind of patch: merge (the only one; also the default).")
    String type = "merge";

    @Override
    public Integer call() {
        if (!type.equals("merge")) {
            throw new CommandException("--type: only \"merge\" is supported, got \"" + type + "\"");
        }
        String json = PatchInput.toJson(patchFile != null ? "--patch-file" : "--patch", patchText(Verbs.root(root)));
        List<ObjectBatch.Target> targets = ObjectBatch.targets(args, namespace);
        return forEach(targets, (client, target) -> patchOne(client, target, json));
    }

    /** Applies {@code json} to one object; returns "patched", or "patched (no change)" when it stayed as it was. */
    private static String patchOne(ObjectClient client, ObjectBatch.Target target, String json) {
        String kind = target.ref().type().kind().name();
        String name = target.ref().name();
        TypedObject before = client.get(kind, target.namespace(), name);
        TypedObject after = client.patch(kind, target.namespace(), name, json);
        boolean changed = !Kind.metadataOf(before)
                .getResourceVersion()
                .equals(Kind.metadataOf(after).getResourceVersion());
        return changed ? "patched" : "patched (no change)";
    }

    private String patchText(Capstan capstan) {
        if ((patch == null) == (patchFile == null)) {
            throw new CommandException("exactly one of --patch (-p) and --patch-file is required");
        }
        if (patch != null) {
            return patch;
        }
        String file = String.valueOf(patchFile);
        try {
            return file.equals("-")
                    ? new String(capstan.stdin().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new CommandException("--patch-file: cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
