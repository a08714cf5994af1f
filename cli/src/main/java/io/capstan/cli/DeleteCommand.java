package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.DeleteOptions;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * {@code capstan delete TYPE NAME...} or {@code capstan delete -f FILE}: deletes each object and
 * prints {@code deployment/web deleted}, also when finalizers or a grace period keep it a while
 * (deletionTimestamp set; {@code get} still shows it). A failed object is reported and the others still go; the
 * exit code is then 1.
 */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete objects by name or by manifest.")
final class DeleteCommand implements Callable<Integer> {
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
        Capstan capstan = Verbs.root(root);
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        DeleteOptions options = options();
        List<ObjectRefIn> targets = new ArrayList<>();
        if (!files.isEmpty()) {
            if (!args.isEmpty()) {
                throw new CommandException("give either -f or TYPE NAME, not both");
            }
            for (TypedObject object :
                    ManifestFiles.read(files, capstan.stdin(), namespace.namespace(), namespace.isExplicit())) {
                ObjectMeta meta = Kind.metadataOf(object);
                targets.add(new ObjectRefIn(
                        new ObjectRef(ResourceType.of(Kind.of(object)), meta.getName()), meta.getNamespace()));
            }
        } else {
            for (ObjectRef ref : ObjectRef.parse(args)) {
                targets.add(new ObjectRefIn(ref, namespace.namespaceFor(ref.type())));
            }
        }
        boolean failed = false;
        try (ObjectClient client = capstan.connect(global)) {
            for (ObjectRefIn target : targets) {
                ObjectRef ref = target.ref();
                try {
                    // as kubectl, "deleted" also when finalizers or a grace period keep the object a while
                    client.delete(ref.type().kind().name(), target.namespace(), ref.name(), options);
                    out.println(ref.type().ref(ref.name()) + " deleted");
                } catch (ApiException e) {
                    err.println("error: " + Errors.about(e, ref.type(), ref.name()));
                    failed = true;
                }
                out.flush();
            }
        }
        return failed ? Capstan.ERROR : Capstan.OK;
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

    /** An object to delete and the namespace it is in. */
    private record ObjectRefIn(ObjectRef ref, String namespace) {}
}
