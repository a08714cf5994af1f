package io.capstan.bench;

import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.CreateResponse;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.TypedObject;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Large lists: fills a namespace of the run with small realistic pods, then times whole lists of
 * them, one at a time, in each mode: {@code full} (no limit, read from the store at the latest
 * revision), {@code paged} (limit N, following {@code continue} to the end; one sample is the whole
 * walk) and {@code cached} (resourceVersion "0": served from the API server's watch cache). Every
 * list must return every pod; one that does not counts as incomplete.
 */
@Command(
        name = "list",
        description = "Fills N pods in a namespace of the run, then times full lists of them (no limit, paged,"
                + " from the watch cache); latency and response bytes.",
        mixinStandardHelpOptions = true)
final class ApiListCommand implements Callable<Integer> {
    static final String KIND = "Pod";

    /** How a list is read; see the class comment. */
    enum Mode {
        full,
        paged,
        cached
    }

    /** One list, whole: what came back and how long it took. */
    record Listed(long items, long bytes, int pages, long nanos) {}

    @Mixin
    ApiOptions api = new ApiOptions();

    @Option(names = "--pods", defaultValue = "10000", description = "Pods to fill (default ${DEFAULT-VALUE})")
    int pods = 10_000;

    @Option(
            names = "--fill-in-flight",
            defaultValue = "64",
            description = "Creates outstanding at once while filling (default ${DEFAULT-VALUE})")
    int fillInFlight = 64;

    @Option(
            names = "--fill-timeout",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "Give up filling after this long (default ${DEFAULT-VALUE})")
    Duration fillTimeout = Duration.ofMinutes(5);

    @Option(
            names = "--modes",
            split = ",",
            defaultValue = "full,paged,cached",
            description = "Which lists to time, in order (default ${DEFAULT-VALUE})")
    List<Mode> modes = List.of(Mode.full, Mode.paged, Mode.cached);

    @Option(names = "--lists", defaultValue = "20", description = "Measured lists per mode (default ${DEFAULT-VALUE})")
    int lists = 20;

    @Option(
            names = "--warmup-lists",
            defaultValue = "2",
            description = "Unmeasured lists per mode first (default ${DEFAULT-VALUE})")
    int warmupLists = 2;

    @Option(
            names = "--page-size",
            defaultValue = "500",
            description = "limit of each page in paged mode (default ${DEFAULT-VALUE})")
    int pageSize = 500;

    @Option(
            names = "--max-duration",
            defaultValue = "3m",
            converter = DurationConverter.class,
            description = "Stop a mode's measured lists after this long (default ${DEFAULT-VALUE})")
    Duration maxDuration = Duration.ofMinutes(3);

    @Option(
            names = "--namespace",
            description = "Namespace to fill and list (default: a new one, bench-list-XXXXXX); pods that exist"
                    + " already count as filled, so a rerun on the same namespace skips the fill")
    @Nullable
    String namespace;

    @Override
    public Integer call() throws InterruptedException {
        Bounds.check("--pods", pods, 1, 50_000);
        Bounds.check("--fill-in-flight", fillInFlight, 1, Bounds.MAX_IN_FLIGHT);
        Bounds.check("--fill-timeout", fillTimeout, Duration.ofSeconds(1));
        Bounds.check("--lists", lists, 1, 10_000);
        Bounds.check("--warmup-lists", warmupLists, 0, 1_000);
        Bounds.check("--page-size", pageSize, 1, 50_000);
        Bounds.check("--max-duration", maxDuration, Duration.ofSeconds(1));
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("--modes: expected at least one of full, paged, cached");
        }
        String ns = namespace != null ? namespace : ApiObjects.runNamespace("bench-list-");
        try (ApiCluster c = api.connect()) {
            c.ensureNamespace(ns, api.rpcTimeoutMillis());
            fill(c, ns);
            for (Mode mode : modes) {
                measure(c, ns, mode);
            }
        }
        return 0;
    }

    private void fill(ApiCluster c, String ns) throws InterruptedException {
        LongAdder existing = new LongAdder();
        LatencyHistogram latencies = new LatencyHistogram();
        ErrorCounts errors = new ErrorCounts();
        double loadBefore = LoadAverage.oneMinute();
        InFlightLoad.Outcome outcome = InFlightLoad.closedLoop(fillInFlight, pods, fillTimeout, api.drain())
                .run(
                        (seq, done) -> c.stub(api.rpcTimeoutMillis())
                                .create(
                                        CreateRequest.newBuilder()
                                                .setObject(TypedObject.newBuilder()
                                                        .setPod(ApiObjects.pod(ns, ApiObjects.name("pod-", seq), seq)))
                                                .build(),
                                        createdOrExisting(done, existing)),
                        latencies,
                        errors);
        Summary summary = new Summary("api-list-fill")
                .put("endpoints", api.endpointsForSummary())
                .put("namespace", ns)
                .put("pods", pods)
                .put("inFlight", fillInFlight)
                .put("existing", existing.sum())
                .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                .put("complete", outcome.succeeded() == pods);
        latencies.addTo(summary, "");
        summary.put("loadavg", loadBefore);
        summary.print(System.out);
        if (outcome.succeeded() != pods) {
            throw new IllegalStateException(String.format(
                    "filling %d pods in %s failed: %d present, errors %s",
                    pods, ns, outcome.succeeded(), errors.byCode()));
        }
    }

    /** A create observer that takes ALREADY_EXISTS (a pod of an earlier run) as a success. */
    private static StreamObserver<CreateResponse> createdOrExisting(InFlightLoad.Completion done, LongAdder existing) {
        return new StreamObserver<>() {
            @Override
            public void onNext(CreateResponse value) {}

            @Override
            public void onError(Throwable t) {
                if (Status.fromThrowable(t).getCode() == Status.Code.ALREADY_EXISTS) {
                    existing.increment();
                    done.succeeded();
                } else {
                    done.failed(t);
                }
            }

            @Override
            public void onCompleted() {
                done.succeeded();
            }
        };
    }

    private void measure(ApiCluster c, String ns, Mode mode) {
        for (int i = 0; i < warmupLists; i++) {
            try {
                list(c, ns, mode);
            } catch (StatusRuntimeException e) {
                System.err.printf("warm-up list (%s) failed: %s%n", mode, e.getStatus());
            }
        }
        double loadBefore = LoadAverage.oneMinute();
        LatencyHistogram latencies = new LatencyHistogram();
        ErrorCounts errors = new ErrorCounts();
        long succeeded = 0;
        long incomplete = 0;
        long bytes = 0;
        long items = 0;
        int pages = 0;
        long start = System.nanoTime();
        long deadline = start + maxDuration.toNanos();
        for (int i = 0; i < lists && System.nanoTime() - deadline < 0; i++) {
            try {
                Listed listed = list(c, ns, mode);
                latencies.recordNanos(listed.nanos());
                succeeded++;
                bytes += listed.bytes();
                items = listed.items();
                pages = listed.pages();
                if (listed.items() != pods) {
                    incomplete++;
                }
            } catch (StatusRuntimeException e) {
                errors.record(e);
            }
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        Summary summary = new Summary("api-list")
                .put("endpoints", api.endpointsForSummary())
                .put("namespace", ns)
                .put("mode", mode.name())
                .put("pods", pods)
                .put("pageSize", mode == Mode.paged ? pageSize : 0)
                .putThroughput(succeeded, errors, elapsedSeconds)
                .put("incomplete", incomplete)
                .put("itemsPerList", items)
                .put("pagesPerList", pages)
                .put("responseBytes", succeeded == 0 ? 0 : bytes / succeeded);
        latencies.addTo(summary, "");
        summary.put("loadavg", loadBefore);
        summary.print(System.out);
    }

    /** Reads the whole list once, following continue tokens in paged mode. */
    Listed list(ApiCluster c, String ns, Mode mode) {
        ListRequest.Builder request = ListRequest.newBuilder().setKind(KIND).setNamespace(ns);
        switch (mode) {
            case full -> {}
            case paged -> request.setLimit(pageSize);
            case cached -> request.setResourceVersion("0");
        }
        long start = System.nanoTime();
        long items = 0;
        long bytes = 0;
        int pages = 0;
        // bounded: a walk never needs more pages than pods / pageSize, plus slack for short pages
        int maxPages = pods / Math.max(1, pageSize) + 16;
        String continueToken = "";
        do {
            ListResponse page = c.blockingStub(api.rpcTimeoutMillis())
                    .list(request.setContinue(continueToken).build());
            items += page.getItemsCount();
            bytes += page.getSerializedSize();
            pages++;
            continueToken = page.getContinue();
        } while (mode == Mode.paged && !continueToken.isEmpty() && pages < maxPages);
        if (!continueToken.isEmpty() && mode == Mode.paged) {
            throw new IllegalStateException(
                    String.format("paged list of %s did not end after %d pages of %d", ns, pages, pageSize));
        }
        return new Listed(items, bytes, pages, System.nanoTime() - start);
    }
}
