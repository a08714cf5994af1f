package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import java.io.PrintWriter;
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
 * {@code capstan scale deployment NAME --replicas N}: sets spec.replicas of a Deployment or
 * ReplicaSet by a merge patch and prints {@code deployment/web scaled}.
 */
@Command(
        name = "scale",
        mixinStandardHelpOptions = true,
        description = "Set the replica count of a deployment or replicaset.")
final class ScaleCommand implements Callable<Integer> {
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

    @Parameters(paramLabel = "TYPE NAME | TYPE/NAME", arity = "1..*", description = "What to scale.")
    List<String> args = new ArrayList<>();

    @Option(names = "--replicas", paramLabel = "N", required = true, description = "The new number of replicas.")
    int replicas;

    @Override
    public Integer call() {
        Capstan capstan = Verbs.root(root);
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        if (replicas < 0) {
            throw new CommandException("--replicas: must be >= 0, got " + replicas);
        }
        List<ObjectRef> refs = ObjectRef.parse(args);
        boolean failed = false;
        try (ObjectClient client = capstan.connect(global)) {
            for (ObjectRef ref : refs) {
                if (ref.type().kind() != Kind.DEPLOYMENT && ref.type().kind() != Kind.REPLICA_SET) {
                    throw new CommandException(
                            "cannot scale " + ref.type().plural() + ": only deployments and replicasets have replicas");
                }
                try {
                    client.patch(
                            ref.type().kind().name(),
                            namespace.namespace(),
                            ref.name(),
                            "{\"spec\":{\"replicas\":" + replicas + "}}");
                    out.println(ref.type().ref(ref.name()) + " scaled");
                } catch (ApiException e) {
                    err.println("error: " + Errors.about(e, ref.type(), ref.name()));
                    failed = true;
                }
                out.flush();
            }
        }
        return failed ? Capstan.ERROR : Capstan.OK;
    }
}
