package io.capstan.cli;

import io.capstan.client.ApiException;
import io.capstan.client.ObjectClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the verbs that act on named objects one at a time share ({@code delete}, {@code patch},
 * {@code label}, {@code annotate}, {@code set image}): the objects and their namespaces from the arguments, one
 * client for all of them, one line {@code deployment/web deleted} per object, and a failed object
 * reported as one line {@code error: ...} on stderr while the others still go; the exit code is
 * then 1.
 */
final class ObjectBatch {
    private ObjectBatch() {}

    /**
     * One object to act on.
     *
     * @param ref the object
     * @param namespace the namespace it is in: "" for a cluster-scoped kind
     */
    record Target(ObjectRef ref, String namespace) {}

    /** What a verb does to one object. */
    @FunctionalInterface
    interface Action {
        /**
         * Acts on {@code target}; returns what happened, printed after the object: "deleted".
         *
         * @throws ApiException or {@link CommandException} when this object failed
         */
        String apply(ObjectClient client, Target target);
    }

    /**
     * The objects {@code args} names ({@code TYPE NAME...} or {@code TYPE/NAME...}), each in the
     * namespace {@code -n} gives for its type.
     *
     * @throws CommandException for arguments that name no object
     */
    static List<Target> targets(List<String> args, NamespaceOption namespace) {
        List<Target> targets = new ArrayList<>();
        for (ObjectRef ref : ObjectRef.parse(args)) {
            targets.add(new Target(ref, namespace.namespaceFor(ref.type())));
        }
        return targets;
    }

    /** Runs {@code action} on each target in turn with one client; returns the exit code. */
    static int run(
            Capstan capstan,
            GlobalOptions global,
            List<Target> targets,
            Action action,
            PrintWriter out,
            PrintWriter err) {
        boolean failed = false;
        try (ObjectClient client = capstan.connect(global)) {
            for (Target target : targets) {
                ObjectRef ref = target.ref();
                try {
                    out.println(ref.type().ref(ref.name()) + " " + action.apply(client, target));
                } catch (ApiException e) {
                    err.println("error: " + Errors.about(e, ref.type(), ref.name()));
                    failed = true;
                } catch (CommandException e) {
                    err.println("error: " + e.getMessage());
                    failed = true;
                }
                out.flush();
            }
        }
        return failed ? Capstan.ERROR : Capstan.OK;
    }
}
