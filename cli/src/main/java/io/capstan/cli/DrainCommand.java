package io.capstan.cli;

import io.capstan.api.flags.Durations;
import io.capstan.client.ApiException;
import io.capstan.client.DeleteOptions;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Pod;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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
 * {@code capstan drain NODE}: cordons the node, deletes its pods (see {@link DrainPlan} for which),
 * each with a uid precondition so that only that pod goes, then waits until they are gone or
 * {@code --timeout} passes. Capstan has no eviction API, so disruption budgets are not consulted.
 * Exit code 0 once every pod is gone; 1 when pods are refused (the node stays cordoned) or the
 * timeout passes first.
 */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = {
            "Drain a node for maintenance: cordon it, then delete its pods and wait until they are gone.",
            "Pods no controller owns are refused without --force (nothing would recreate them)."
        })
final class DrainCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(500);

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

    @Option(names = "--force", description = "Also delete pods that no controller owns.")
    boolean force;

    @Option(names = "--ignore-daemonsets", description = "Leave DaemonSet-managed pods in place.")
    boolean ignoreDaemonSets;

    @Option(
            names = "--grace-period",
            paramLabel = "SECONDS",
            description =
                    "Seconds each pod has to stop; -1 (the default): the pod's own terminationGracePeriodSeconds.")
    long gracePeriodSeconds = -1;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long to wait for the pods to go, e.g. 90s or 5m; 0 (the default): no limit.")
    String timeout = "0s";

    @Override
    public Integer call() throws InterruptedException {
        Capstan capstan = Verbs.root(root);
        PrintWriter out = Verbs.out(spec);
        PrintWriter err = Verbs.err(spec);
        Duration limit = Durations.parse("--timeout", timeout);
        if (gracePeriodSeconds < -1) {
            throw new CommandException("--grace-period must be >= 0, or -1 for the default, got " + gracePeriodSeconds);
        }
        DeleteOptions options = DeleteOptions.defaults();
        if (gracePeriodSeconds >= 0) {
            options = options.withGracePeriod(Duration.ofSeconds(gracePeriodSeconds));
        }
        Instant deadline =
                limit.isZero() ? Instant.MAX : capstan.clock().instant().plus(limit);
        try (ObjectClient client = capstan.connect(global)) {
            boolean changed;
            try {
                changed = CordonCommand.set(client, node, true);
            } catch (ApiException e) {
                throw new CommandException(Errors.about(e, ResourceType.of(Kind.NODE), node), e);
            }
            out.println(CordonCommand.message(node, true, changed));
            List<Pod> pods = client
                    .listAll("Pod", ListOptions.inNamespace("").withFieldSelector("spec.nodeName=" + node))
                    .items()
                    .stream()
                    .map(o -> o.getPod())
                    .toList();
            DrainPlan plan = DrainPlan.of(pods, force, ignoreDaemonSets);
            if (!plan.errors().isEmpty()) {
                out.flush();
                throw new CommandException("cannot drain node \"" + node + "\": " + String.join("; ", plan.errors()));
            }
            plan.warnings().forEach(w -> err.println("warning: " + w));
            for (Pod pod : plan.toDelete()) {
                out.println("evicting pod " + DrainPlan.name(pod));
                out.flush();
                try {
                    client.delete(
                            "Pod",
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(),
                            options.withPreconditions(pod.getMetadata().getUid(), ""));
                } catch (NotFoundException e) {
                    // gone already
                }
            }
            List<Pod> left = awaitGone(client, plan.toDelete(), deadline, capstan, out);
            if (!left.isEmpty()) {
                throw new CommandException("timed out after " + timeout + " waiting for the pods of node \"" + node
                        + "\" to be deleted: "
                        + String.join(", ", left.stream().map(DrainPlan::name).toList()));
            }
            out.println("node/" + node + " drained");
            return Capstan.OK;
        }
    }

    /** Waits until each pod is gone (or another pod has its name); returns those left at the deadline. */
    private static List<Pod> awaitGone(
            ObjectClient client, List<Pod> pods, Instant deadline, Capstan capstan, PrintWriter out)
            throws InterruptedException {
        List<Pod> left = new ArrayList<>(pods);
        while (true) {
            left.removeIf(pod -> {
                if (isGone(client, pod)) {
                    out.println("pod/" + pod.getMetadata().getName() + " evicted");
                    return true;
                }
                return false;
            });
            out.flush();
            Instant now = capstan.clock().instant();
            if (left.isEmpty() || !now.isBefore(deadline)) {
                return left;
            }
            Duration remaining = Duration.between(now, deadline);
            Thread.sleep(remaining.compareTo(POLL) < 0 ? remaining.toMillis() : POLL.toMillis());
        }
    }

    private static boolean isGone(ObjectClient client, Pod pod) {
        try {
            Pod current = client.pods()
                    .get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            return !current.getMetadata().getUid().equals(pod.getMetadata().getUid());
        } catch (NotFoundException e) {
            return true;
        }
    }
}
