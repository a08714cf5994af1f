package io.capstan.cli.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.capstan.cli.CommandException;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchRequest;
import io.capstan.proto.etcd.WatchResponse;
import io.capstan.proto.etcd.mvcc.Event;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code capstan store watch [--prefix] KEY}: prints each change as it happens, objects decoded.
 * When the endpoint it watches goes down, the watch moves to the next endpoint and resumes after
 * the last revision it printed, so no change is missed or printed twice.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every change of a key, or of the keys under a prefix, until interrupted or --max-events."
                    + " Values under /registry/ are printed as the objects they hold."
        })
final class StoreWatchCommand implements Callable<Integer> {
    /** Rounds over every endpoint without one watch established before giving up. */
    private static final int MAX_ROUNDS = 3;

    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, or with --prefix the key prefix.")
    String key = "";

    @Option(names = "--prefix", description = "Every key starting with KEY.")
    boolean prefix;

    @Option(
            names = "--rev",
            paramLabel = "REV",
            description = "Start at this revision, replaying history since (default: changes from now on).")
    long revision;

    @Option(names = "--prev-kv", description = "Print each change's previous value too.")
    boolean prevKv;

    @Option(names = "--max-events", paramLabel = "N", description = "Stop after N changes (default: never).")
    long maxEvents;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "yaml",
            description = "yaml (default), json, or raw (etcdctl's event, key and value lines).")
    String output = "yaml";

    /** What the response observer hands the command's thread. */
    private sealed interface Signal permits Response, Failure, Completed {}

    private record Response(WatchResponse response) implements Signal {}

    private record Failure(Throwable error) implements Signal {}

    private record Completed() implements Signal {}

    private long printed;
    private long next; // the revision to resume from
    private boolean watching; // the current endpoint has established the watch

    @Override
    public Integer call() throws InterruptedException {
        StoreCommand store = Commands.require(parent);
        ValueFormat format = ValueFormat.parse(output);
        if (key.isEmpty()) {
            throw new CommandException("KEY: required (use --prefix / for every key)");
        }
        if (revision < 0) {
            throw new CommandException("--rev: must be >= 0, got " + revision);
        }
        if (maxEvents < 0) {
            throw new CommandException("--max-events: must be >= 0, got " + maxEvents);
        }
        PrintWriter out = Commands.out(spec);
        PrintWriter err = Commands.err(spec);
        next = revision;
        try (StoreConnection connection = store.connect()) {
            List<String> endpoints = connection.endpoints();
            List<String> failures = new ArrayList<>();
            int index = 0;
            int failedInRow = 0;
            while (failedInRow < MAX_ROUNDS * endpoints.size()) {
                String address = endpoints.get(index % endpoints.size());
                String failure = watchOn(connection.endpoint(address), format, out);
                if (failure == null) {
                    return 0;
                }
                failures.add(failure);
                if (failures.size() > endpoints.size()) {
                    failures.remove(0);
                }
                err.println("warning: watch on " + failure + "; resuming on the next endpoint from revision " + next);
                err.flush();
                index++;
                failedInRow = watching ? 1 : failedInRow + 1;
                watching = false;
            }
            throw StoreConnection.unreachable(failures);
        }
    }

    /**
     * Watches on one endpoint until enough events were printed (then null) or the endpoint
     * failed (then why).
     *
     * @throws CommandException if the store refuses the watch
     */
    private @Nullable String watchOn(StoreConnection.Endpoint endpoint, ValueFormat format, PrintWriter out)
            throws InterruptedException {
        BlockingQueue<Signal> inbox = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = endpoint.watch().watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                inbox.add(new Response(response));
            }

            @Override
            public void onError(Throwable error) {
                inbox.add(new Failure(error));
            }

            @Override
            public void onCompleted() {
                inbox.add(new Completed());
            }
        });
        ByteString start = ByteString.copyFromUtf8(key);
        WatchCreateRequest.Builder create = WatchCreateRequest.newBuilder()
                .setKey(start)
                .setStartRevision(next)
                .setPrevKv(prevKv);
        if (prefix) {
            create.setRangeEnd(Commands.prefixEnd(start));
        }
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
        try {
            while (true) {
                Signal signal = inbox.take();
                if (signal instanceof Failure failure) {
                    if (failure.error() instanceof StatusRuntimeException e) {
                        if (StoreConnection.isUnreachable(e)) {
                            return endpoint.address() + ": " + StoreConnection.describe(e);
                        }
                        throw StoreConnection.refused(endpoint.address(), e);
                    }
                    return endpoint.address() + ": " + failure.error();
                }
                if (signal instanceof Completed) {
                    return endpoint.address() + ": the stream ended";
                }
                WatchResponse response = ((Response) signal).response();
                if (response.getCanceled()) {
                    throw canceled(response);
                }
                if (response.getCreated()) {
                    watching = true;
                    if (next == 0) {
                        // "from now" is this revision: a resumed watch must not miss what follows it
                        next = response.getHeader().getRevision() + 1;
                    }
                }
                for (Event event : response.getEventsList()) {
                    print(event, format, out);
                    next = event.getKv().getModRevision() + 1;
                    printed++;
                    if (maxEvents > 0 && printed >= maxEvents) {
                        return null;
                    }
                }
            }
        } finally {
            requests.onCompleted();
        }
    }

    private CommandException canceled(WatchResponse response) {
        if (response.getCompactRevision() > 0) {
            return new CommandException("watch from revision " + next + ": the store's history before revision "
                    + response.getCompactRevision() + " has been compacted; watch with --rev "
                    + response.getCompactRevision() + " or later");
        }
        return new CommandException("the store canceled the watch: " + response.getCancelReason());
    }

    private void print(Event event, ValueFormat format, PrintWriter out) {
        switch (format) {
            case YAML, JSON -> {
                ObjectNode document = JsonNodeFactory.instance.objectNode();
                document.put("type", event.getType().name());
                document.setAll(StoredValues.tree(event.getKv(), true));
                if (event.hasPrevKv()) {
                    document.set("prev", StoredValues.tree(event.getPrevKv(), true));
                }
                if (format == ValueFormat.YAML) {
                    if (printed > 0) {
                        out.print("---\n");
                    }
                    out.print(StoredValues.yaml(document));
                } else {
                    out.print(StoredValues.json(document));
                }
            }
            case RAW -> {
                out.println(event.getType().name());
                out.println(StoredValues.raw(event.getKv().getKey()));
                if (event.getType() == Event.EventType.PUT) {
                    out.println(StoredValues.raw(event.getKv().getValue()));
                }
            }
        }
        out.flush();
    }
}
