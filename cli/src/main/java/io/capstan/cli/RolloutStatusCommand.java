package io.capstan.cli;

import io.capstan.api.flags.Durations;
import io.capstan.client.ApiException;
import io.capstan.client.ObjectClient;
import io.capstan.client.Watch;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchListener;
import io.capstan.client.WatchOptions;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.TypedObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan rollout status deployment/web}: prints the rollout's progress (see {@link
 * RolloutStatus}) each time it changes, watching the deployment, until it is done (exit 0), it
 * exceeds its progress deadline (exit 1) or {@code --timeout} passes (exit 1). A watch that ends is
 * opened again from a fresh read.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the status of a deployment's rollout, and wait until it is done.")
final class RolloutStatusCommand extends RolloutVerbCommand {
    private static final Duration WATCH_RETRY = Duration.ofMillis(500);

    @Option(
            names = {"-w", "--watch"},
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "BOOL",
            description = "Wait until the rollout is done (default true); --watch=false prints the status once.")
    boolean watch = true;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long to wait, e.g. 90s or 5m; 0 (the default): no limit.")
    String timeout = "0s";

    @Override
    public Integer call() throws InterruptedException {
        Capstan capstan = RolloutCommand.capstan(rollout);
        PrintWriter out = Verbs.out(spec);
        ObjectRef ref = Rollouts.deployment(args, "status");
        Duration limit = Durations.parse("--timeout", timeout);
        Instant deadline =
                limit.isZero() ? Instant.MAX : capstan.clock().instant().plus(limit);
        String ns = namespace.namespace();
        String last = "";
        try (ObjectClient client = capstan.connect(global)) {
            while (true) {
                Deployment deployment = Rollouts.get(client, ns, ref.name());
                RolloutStatus status = RolloutStatus.of(deployment);
                last = print(status, last, out);
                if (status.failed()) {
                    throw new CommandException(status.message());
                }
                if (status.done() || !watch) {
                    return Capstan.OK;
                }
                Optional<RolloutStatus> end = watchUntilEnd(client, deployment, deadline, capstan, last, out);
                if (end.isPresent()) {
                    if (end.get().failed()) {
                        throw new CommandException(end.get().message());
                    }
                    return Capstan.OK;
                }
                if (!capstan.clock().instant().isBefore(deadline)) {
                    throw new CommandException("timed out after " + timeout + " waiting for the rollout of "
                            + ref.type().ref(ref.name()) + " to finish");
                }
                // the watch ended: after a pause, read again and say where the rollout is
                Duration remaining = Duration.between(capstan.clock().instant(), deadline);
                Thread.sleep(Math.max(0, Math.min(remaining.toMillis(), WATCH_RETRY.toMillis())));
                last = "";
            }
        }
    }

    /** Prints {@code status} unless it says what was printed last; returns what was printed last. */
    private static String print(RolloutStatus status, String last, PrintWriter out) {
        if (!status.message().equals(last) && !status.failed()) {
            out.println(status.message());
            out.flush();
        }
        return status.message();
    }

    /**
     * Follows the deployment from {@code from}'s resourceVersion: the final status once done or
     * failed; empty when the watch ended first or the deadline passed.
     */
    private Optional<RolloutStatus> watchUntilEnd(
            ObjectClient client, Deployment from, Instant deadline, Capstan capstan, String printed, PrintWriter out)
            throws InterruptedException {
        BlockingQueue<Optional<TypedObject>> changes = new LinkedBlockingQueue<>();
        WatchOptions options = WatchOptions.inNamespace(from.getMetadata().getNamespace())
                .withFieldSelector("metadata.name=" + from.getMetadata().getName())
                .withResourceVersion(from.getMetadata().getResourceVersion())
                .withBookmarks(false);
        String last = printed;
        try (Watch stream = client.watch("Deployment", options, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<TypedObject> event) {
                if (event.type() == WatchEvent.Type.DELETED) {
                    changes.add(Optional.empty());
                } else if (event.type() != WatchEvent.Type.BOOKMARK) {
                    changes.add(Optional.of(event.object()));
                }
            }

            @Override
            public void onClose(@Nullable ApiException error) {
                changes.add(Optional.empty());
            }
        })) {
            while (true) {
                long waitNanos = deadline.equals(Instant.MAX)
                        ? Long.MAX_VALUE
                        : Duration.between(capstan.clock().instant(), deadline).toNanos();
                if (waitNanos <= 0) {
                    return Optional.empty();
                }
                Optional<TypedObject> change = changes.poll(waitNanos, TimeUnit.NANOSECONDS);
                if (change == null || change.isEmpty()) {
                    return Optional.empty();
                }
                RolloutStatus status = RolloutStatus.of(change.get().getDeployment());
                last = print(status, last, out);
                if (status.done() || status.failed()) {
                    return Optional.of(status);
                }
            }
        }
    }
}
