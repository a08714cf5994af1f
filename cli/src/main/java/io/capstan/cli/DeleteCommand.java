package io.capstan.cli;

import io.capstan.client.DeleteOptions;
import io.capstan.client.Kind;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capstan delete TYPE NAME...} or {@code capstan delete -f FILE}: deletes each object and
 * prints {@code deployment/web deleted}, also when finalizers or a grace period keep it a while
 * (deletionTimestamp set; {@code get} still shows it). A failed object is reported and the others still go; the
 * exit code is then 1.
 */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete objects by name or by manifest.")
final class DeleteCommand extends ObjectVerbCommand {
    @Parameters(paramLabel = "TYPE NAME... | TYPE/NAME...", arity = "0..*", description = "What to delete.")
    List<String> args = new ArrayList<>();

    @Option(
            names = {"-f", "--filename"},
            paramLabel = "FILE|DIR|-",
            description = "Delete the objects these manifests name.")
    List<String> files = new ArrayList<>();

    @Option(
            names = "--grace-period",
            paramLabel = "SECONDS",
            defaultValue = "-1",
            description = "Seconds a pod gets to stop; 0 removes at once; -1 (default) the pod's own.")
    long gracePeriodSeconds = -1;

    @Option(
            names = "--cascade",
            paramLabel = "background|foreground|orphan",
            defaultValue = "background",
            description = "What happens to dependents (default: ${DEFAULT-VALUE}).")
    String cascade = "background";

    @Override
    public Integer call() {
        DeleteOptions options = options();
        List<ObjectBatch.Target> targets;
        if (!files.isEmpty()) {
            if (!args.isEmpty()) {
                throw new CommandException("give either -f or TYPE NAME, not both");
            }
            targets = new ArrayList<>();
            for (TypedObject object : ManifestFiles.read(
                    files, Verbs.root(root).stdin(), namespace.namespace(), namespace.isExplicit())) {
                ObjectMeta meta = Kind.metadataOf(object);
                targets.add(new ObjectBatch.Target(
                        new ObjectRef(ResourceType.of(Kind.of(object)), meta.getName()), meta.getNamespace()));
            }
        } else {
            targets = ObjectBatch.targets(args, namespace);
        }
        return forEach(targets, (client, target) -> {
            ObjectRef ref = target.ref();
            // as kubectl, "deleted" also when finalizers or a grace period keep the object a while
            client.delete(ref.type().kind().name(), target.namespace(), ref.name(), options);
            return "deleted";
        });
    }

    private DeleteOptions options() {
        DeleteOptions options = DeleteOptions.defaults().withPropagation(propagation(cascade));
        if (gracePeriodSeconds >= 0) {
            options = options.withGracePeriod(Duration.ofSeconds(gracePeriodSeconds));
        } else if (gracePeriodSeconds != -1) {
            throw new CommandException("--grace-period must be >= 0, or -1 for the default, got " + gracePeriodSeconds);
        }
        return options;
    }

    static PropagationPolicy propagation(String cascade) {
        return switch (cascade.toLowerCase(Locale.ROOT)) {
            case "background", "true" -> PropagationPolicy.PROPAGATION_POLICY_BACKGROUND;
            case "foreground" -> PropagationPolicy.PROPAGATION_POLICY_FOREGROUND;
            case "orphan", "false" -> PropagationPolicy.PROPAGATION_POLICY_ORPHAN;
            default ->
                throw new CommandException(
                        "invalid --cascade \"" + cascade + "\": must be background, foreground or orphan");
        };
    }
}
