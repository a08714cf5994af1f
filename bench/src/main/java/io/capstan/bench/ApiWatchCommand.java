package io.capstan.bench;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.capstan.proto.api.v1.UpdateResponse;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Watch fan-out through the API: N watch streams on the ConfigMaps of one namespace, spread
 * round-robin over the endpoints' channels, and one writer updating M ConfigMaps at a fixed rate,
 * each update stamping {@code System.nanoTime()} of this JVM into the object's data. Every MODIFIED
 * event a watcher receives yields one delivery latency: receive time minus the stamp, i.e. the
 * update call (read, validate, store write committed on a majority) plus the store watch, the API
 * server's watch cache and the stream. Expected events = acknowledged updates x watchers; a watcher
 * is complete when it received at least that many, in resourceVersion order with no repeats. An
 * update that failed (its deadline passed) may still have been committed, so its events arrive too
 * and eventsDelivered can exceed eventsExpected by up to failed updates x watchers.
 */
@Command(
        name = "watch",
        description = "Watch streams on one kind while a writer updates objects at a fixed rate, each write"
                + " stamped with its send time; delivery latency and events delivered vs expected.",
        mixinStandardHelpOptions = true)
final class ApiWatchCommand implements Callable<Integer> {
    static final String KIND = "ConfigMap";

    @Mixin
    ApiOptions api = new ApiOptions();

    @Option(names = "--watchers", defaultValue = "1000", description = "Watch streams (default ${DEFAULT-VALUE})")
    int watchers = 1000;

    @Option(
            names = "--objects",
            defaultValue = "100",
            description = "ConfigMaps the writer updates in turn (default ${DEFAULT-VALUE})")
    int objects = 100;

    @Option(names = "--rate", defaultValue = "100", description = "Updates per second (default ${DEFAULT-VALUE})")
    int rate = 100;

    @Option(names = "--total", defaultValue = "1000000", description = "Stop after this many updates")
    long total = 1_000_000;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Write for this long (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(10);

    @Option(
            names = "--sync-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long every watcher may take to receive its initial events (default ${DEFAULT-VALUE})")
    Duration syncTimeout = Duration.ofSeconds(60);

    @Option(
            names = "--drain-timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for outstanding events after the last write (default ${DEFAULT-VALUE})")
    Duration drainTimeout = Duration.ofSeconds(30);

    @Option(names = "--namespace", description = "Namespace of the objects (default: a new one, bench-watch-XXXXXX)")
    @Nullable
    String namespace;

    @Override
    public Integer call() throws InterruptedException {
        Bounds.check("--watchers", watchers, 1, 10_000);
        Bounds.check("--objects", objects, 1, 10_000);
        Bounds.check("--rate", rate, 1, 10_000);
        Bounds.check("--total", total, 1, Bounds.MAX_TOTAL);
        Bounds.check("--duration", duration, Duration.ofMillis(100));
        Bounds.check("--sync-timeout", syncTimeout, Duration.ofSeconds(1));
        Bounds.check("--drain-timeout", drainTimeout, Duration.ZERO);
        String ns = namespace != null ? namespace : ApiObjects.runNamespace("bench-watch-");
        List<ConfigMap> targets = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            targets.add(ApiObjects.configMap(ns, ApiObjects.name("watched-", i)));
        }
        ResumingWatcher.Shared shared = new ResumingWatcher.Shared(watchers);
        Deliveries deliveries = shared.deliveries();
        List<ResumingWatcher> opened = new ArrayList<>();
        try (ApiCluster c = api.connect()) {
            c.ensureNamespace(ns, api.rpcTimeoutMillis());
            createObjects(c, targets);
            WatchRequest base =
                    WatchRequest.newBuilder().setKind(KIND).setNamespace(ns).build();
            try {
                long syncStart = System.nanoTime();
                for (int w = 0; w < watchers; w++) {
                    ResumingWatcher watcher = new ResumingWatcher(
                            w, base, (request, observer) -> c.stub().watch(request, observer), shared);
                    opened.add(watcher);
                    watcher.start();
                }
                if (!shared.synced().await(syncTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(String.format(
                            "only %d of %d watchers received their initial events within %s",
                            watchers - shared.synced().getCount(), watchers, syncTimeout));
                }
                double syncSeconds = (System.nanoTime() - syncStart) / 1e9;

                double loadBefore = LoadAverage.oneMinute();
                LatencyHistogram writeLatencies = new LatencyHistogram();
                ErrorCounts writeErrors = new ErrorCounts();
                InFlightLoad.Outcome outcome = new InFlightLoad(256, total, duration, rate, api.drain())
                        .run(
                                (seq, done) -> c.stub(api.rpcTimeoutMillis())
                                        .update(
                                                UpdateRequest.newBuilder()
                                                        .setObject(TypedObject.newBuilder()
                                                                .setConfigMap(ApiObjects.stamped(
                                                                        targets.get((int) (seq % objects)),
                                                                        System.nanoTime())))
                                                        .build(),
                                                acknowledged(done, shared.acks())),
                                writeLatencies,
                                writeErrors);
                long expectedPerWatcher = outcome.succeeded();
                long expected = expectedPerWatcher * watchers;
                long drainStart = System.nanoTime();
                long drainUntil = drainStart + drainTimeout.toNanos();
                // Wait per watcher, not for the total: a write that failed (e.g. its deadline passed)
                // may still have been committed, and its events must not stand in for missing ones.
                while (deliveries.complete(expectedPerWatcher) < watchers && System.nanoTime() - drainUntil < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                shared.closing().set(true);
                Summary summary = new Summary("api-watch")
                        .put("endpoints", api.endpointsForSummary())
                        .put("namespace", ns)
                        .put("kind", KIND)
                        .put("watchers", watchers)
                        .put("channels", c.channels())
                        .put("objects", objects)
                        .put("rate", rate)
                        .put("syncSeconds", syncSeconds)
                        .putThroughput(outcome.succeeded(), writeErrors, outcome.elapsedSeconds())
                        .put("eventsExpected", expected)
                        .put("eventsDelivered", deliveries.total())
                        .put("watchersComplete", deliveries.complete(expectedPerWatcher))
                        .put("minEventsPerWatcher", deliveries.minPerWatcher())
                        .put("outOfOrder", deliveries.outOfOrder())
                        .put("watchErrors", shared.errors().total())
                        .put("watchErrorsByCode", shared.errors().byCode())
                        .put("resumes", shared.resumes().sum())
                        .put("watchersGaveUp", shared.gaveUp().sum())
                        .put("drainSeconds", drainSeconds);
                deliveries.latency().addTo(summary, "");
                writeLatencies.addTo(summary, "write");
                shared.afterAck().addTo(summary, "afterAck");
                summary.put("eventsBeforeAck", shared.beforeAck().sum());
                summary.put("loadavg", loadBefore);
                summary.print(System.out);
            } finally {
                shared.closing().set(true);
                for (ResumingWatcher watcher : opened) {
                    watcher.cancel();
                }
            }
        }
        return 0;
    }

    /** Like {@link InFlightLoad#observer}, and records when the write of each resourceVersion was acknowledged. */
    private static StreamObserver<UpdateResponse> acknowledged(InFlightLoad.Completion done, WriteAcks acks) {
        return new StreamObserver<>() {
            @Override
            public void onNext(UpdateResponse response) {
                long now = System.nanoTime();
                String rv = response.getObject().getConfigMap().getMetadata().getResourceVersion();
                try {
                    acks.acked(Long.parseLong(rv), now);
                } catch (NumberFormatException e) {
                    // not a number: the event cannot be matched to this write, and counts as before its ack
                }
            }

            @Override
            public void onError(Throwable t) {
                done.failed(t);
            }

            @Override
            public void onCompleted() {
                done.succeeded();
            }
        };
    }

    private void createObjects(ApiCluster c, List<ConfigMap> targets) {
        for (ConfigMap configMap : targets) {
            try {
                c.blockingStub(api.rpcTimeoutMillis())
                        .create(CreateRequest.newBuilder()
                                .setObject(TypedObject.newBuilder().setConfigMap(configMap))
                                .build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                    throw new IllegalStateException(
                            "creating " + configMap.getMetadata().getName() + " failed: " + e.getStatus(), e);
                }
            }
        }
    }
}
