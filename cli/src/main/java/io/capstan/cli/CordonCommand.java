package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Node;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code capstan cordon NODE}: marks the node unschedulable (spec.unschedulable, by a merge patch)
 * and prints {@code node/n1 cordoned}, or {@code already cordoned}; pods running there stay.
 */
@Command(
        name = "cordon",
        mixinStandardHelpOptions = true,
        description = "Mark a node unschedulable: no new pods are placed there; its pods keep running.")
final class CordonCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    Capstan root;

    @Spec
    @Nullable
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Parameters(paramLabel = "NODE", description = "The node.")
    String node = "";

    @Override
    public Integer call() {
        return run(Verbs.root(root), global, spec, node, true);
    }

    /** cordon ({@code unschedulable}) or uncordon: the verb's whole run. */
    static Integer run(
            Capstan capstan, GlobalOptions global, @Nullable CommandSpec spec, String node, boolean unschedulable) {
        try (ObjectClient client = capstan.connect(global)) {
            boolean changed = set(client, node, unschedulable);
            Verbs.out(spec).println(message(node, unschedulable, changed));
            return Capstan.OK;
        } catch (ApiException e) {
            throw new CommandException(Errors.about(e, ResourceType.of(Kind.NODE), node), e);
        }
    }

    /** Sets spec.unschedulable of {@code node}; false when it already was so. */
    static boolean set(ObjectClient client, String node, boolean unschedulable) {
        Node current = client.nodes().get("", node);
        if (current.getSpec().getUnschedulable() == unschedulable) {
            return false;
        }
        client.patch("Node", "", node, "{\"spec\":{\"unschedulable\":" + unschedulable + "}}");
        return true;
    }

    /** {@code node/n1 cordoned}, {@code node/n1 already uncordoned}. */
    static String message(String node, boolean unschedulable, boolean changed) {
        return "node/" + node + (changed ? " " : " already ") + (unschedulable ? "cordoned" : "uncordoned");
    }
}
