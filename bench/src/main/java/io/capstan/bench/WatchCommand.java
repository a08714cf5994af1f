package io.capstan.bench;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchGrpc;
import io.capstan.proto.etcd.WatchRequest;
import io.capstan.proto.etcd.WatchResponse;
import io.capstan.proto.etcd.mvcc.Event;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Watch fan-out: N watchers of one prefix, and one writer putting values that start with the
 * nanosecond clock of this JVM. Every event a watcher receives yields one delivery latency: receive
 * time minus the stamp, i.e. the put's commit and apply plus the watch dispatch and the stream.
 */
@Command(
        name = "watch",
        description =
                "Watchers of one prefix; a writer puts timestamped values; measures delivery latency per event per watcher.",
        mixinStandardHelpOptions = true)
final class WatchCommand implements Callable<Integer> {
    static final String PREFIX = "/bench/watch/";

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(
            names = "--watchers",
            defaultValue = "100",
            description = "Watchers of the prefix (default ${DEFAULT-VALUE})")
    int watchers = 100;

    @Option(
            names = "--streams",
            defaultValue = "0",
            description = "gRPC watch streams the watchers share, round-robin over endpoints; 0 = one per watcher")
    int streams;

    @Option(names = "--rate", defaultValue = "100", description = "Puts per second (default ${DEFAULT-VALUE})")
    int rate = 100;

    @Option(names = "--total", defaultValue = "1000000", description = "Stop after this many puts")
    long total = 1_000_000;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Stop writing after this long (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(10);

    @Option(
            names = "--value-size",
            defaultValue = "256",
            description = "Value bytes, at least 8 (default ${DEFAULT-VALUE})")
    int valueSize = 256;

    @Override
    public Integer call() throws InterruptedException {
        Bounds.check("--watchers", watchers, 1, 10_000);
        Bounds.check("--streams", streams, 0, watchers);
        Bounds.check("--rate", rate, 1, 100_000);
        Bounds.check("--total", total, 1, Bounds.MAX_TOTAL);
        Bounds.check("--duration", duration, Duration.ofMillis(100));
        Bounds.check("--value-size", valueSize, Long.BYTES, Bounds.MAX_VALUE_BYTES);
        int streamCount = streams == 0 ? watchers : streams;
        ByteString filler = Payloads.value(valueSize);
        LatencyHistogram delivery = new LatencyHistogram();
        LongAdder delivered = new LongAdder();
        LongAdder watchErrors = new LongAdder();
        CountDownLatch created = new CountDownLatch(watchers);
        AtomicBoolean closing = new AtomicBoolean();
        try (Cluster c = cluster.connect()) {
            List<StreamObserver<WatchRequest>> requestStreams = new ArrayList<>();
            StreamObserver<WatchResponse> onResponse = new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse response) {
                    long now = System.nanoTime();
                    if (response.getCreated()) {
                        created.countDown();
                    }
                    if (response.getCanceled()) {
                        watchErrors.increment();
                        System.err.printf("watch %d canceled: %s%n", response.getWatchId(), response.getCancelReason());
                    }
                    for (Event event : response.getEventsList()) {
                        long stamp = Payloads.stampOf(event.getKv().getValue());
                        if (stamp > 0) {
                            delivery.recordNanos(now - stamp);
                            delivered.increment();
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    if (closing.get()) {
                        return; // our own shutdown cancels the streams
                    }
                    watchErrors.increment();
                    System.err.println("watch stream failed: " + t);
                }

                @Override
                public void onCompleted() {}
            };
            for (int s = 0; s < streamCount; s++) {
                requestStreams.add(WatchGrpc.newStub(c.next().channel()).watch(onResponse));
            }
            WatchRequest create = WatchRequest.newBuilder()
                    .setCreateRequest(WatchCreateRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8(PREFIX))
                            .setRangeEnd(Payloads.prefixEnd(PREFIX)))
                    .build();
            for (int w = 0; w < watchers; w++) {
                requestStreams.get(w % streamCount).onNext(create);
            }
            if (!created.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(String.format(
                        "only %d of %d watchers were created within 10 s", watchers - created.getCount(), watchers));
            }

            LatencyHistogram putLatencies = new LatencyHistogram();
            ErrorCounts errors = new ErrorCounts();
            InFlightLoad.Outcome outcome = new InFlightLoad(256, total, duration, rate, cluster.drain())
                    .run(
                            (seq, done) -> KVGrpc.newStub(c.next().channel())
                                    .withDeadlineAfter(cluster.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
                                    .put(
                                            PutRequest.newBuilder()
                                                    .setKey(Payloads.key(PREFIX, seq % 1000))
                                                    .setValue(Payloads.stamped(System.nanoTime(), filler))
                                                    .build(),
                                            InFlightLoad.observer(done)),
                            putLatencies,
                            errors);
            long expected = outcome.succeeded() * watchers;
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (delivered.sum() < expected && System.nanoTime() - drainUntil < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            closing.set(true);
            Summary summary = new Summary("watch")
                    .put("endpoints", cluster.endpoints)
                    .put("watchers", watchers)
                    .put("streams", streamCount)
                    .put("rate", rate)
                    .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                    .put("eventsExpected", expected)
                    .put("eventsDelivered", delivered.sum())
                    .put("watchErrors", watchErrors.sum());
            delivery.addTo(summary, "");
            putLatencies.addTo(summary, "put");
            summary.print(System.out);
        }
        return 0;
    }
}
