package io.capstan.bench;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "get",
        description = "Writes a small key set once, then reads random keys of it with N requests in flight.",
        mixinStandardHelpOptions = true)
final class GetCommand implements Callable<Integer> {
    static final String PREFIX = "/bench/get/";

    /** etcd's two read paths: l goes through a ReadIndex round with the leader, s reads locally. */
    enum Consistency {
        l,
        s
    }

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(
            names = "--consistency",
            defaultValue = "l",
            description = "l (linearizable) or s (serializable) (default ${DEFAULT-VALUE})")
    Consistency consistency = Consistency.l;

    @Mixin
    ClosedLoopOptions load = new ClosedLoopOptions();

    @Option(
            names = "--keys",
            defaultValue = "1000",
            description = "Keys written and then read (default ${DEFAULT-VALUE})")
    int keys = 1000;

    @Option(names = "--value-size", defaultValue = "256", description = "Value bytes (default ${DEFAULT-VALUE})")
    int valueSize = 256;

    @Override
    public Integer call() throws InterruptedException {
        load.check();
        Bounds.check("--keys", keys, 1, 1_000_000);
        Bounds.check("--value-size", valueSize, 0, Bounds.MAX_VALUE_BYTES);
        ByteString value = Payloads.value(valueSize);
        try (Cluster c = cluster.connect()) {
            ErrorCounts fillErrors = new ErrorCounts();
            InFlightLoad.Outcome filled = InFlightLoad.closedLoop(64, keys, Duration.ofMinutes(1), cluster.drain())
                    .run(
                            (seq, done) -> KVGrpc.newStub(c.next().channel())
                                    .withDeadlineAfter(cluster.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
                                    .put(
                                            PutRequest.newBuilder()
                                                    .setKey(Payloads.key(PREFIX, seq))
                                                    .setValue(value)
                                                    .build(),
                                            InFlightLoad.observer(done)),
                            new LatencyHistogram(),
                            fillErrors);
            if (filled.succeeded() != keys) {
                throw new IllegalStateException(String.format(
                        "writing the %d keys to read failed: %d written, errors %s",
                        keys, filled.succeeded(), fillErrors.byCode()));
            }
            boolean serializable = consistency == Consistency.s;
            InFlightLoad.Request get = (seq, done) -> KVGrpc.newStub(c.next().channel())
                    .withDeadlineAfter(cluster.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
                    .range(
                            RangeRequest.newBuilder()
                                    .setKey(Payloads.key(
                                            PREFIX, ThreadLocalRandom.current().nextInt(keys)))
                                    .setSerializable(serializable)
                                    .build(),
                            InFlightLoad.observer(done));
            if (!load.warmup.isZero()) {
                InFlightLoad.closedLoop(load.inFlight, load.total, load.warmup, cluster.drain())
                        .run(get, new LatencyHistogram(), new ErrorCounts());
            }
            LatencyHistogram latencies = new LatencyHistogram();
            ErrorCounts errors = new ErrorCounts();
            InFlightLoad.Outcome outcome = InFlightLoad.closedLoop(
                            load.inFlight, load.total, load.duration, cluster.drain())
                    .run(get, latencies, errors);
            Summary summary = new Summary("get")
                    .put("endpoints", cluster.endpoints)
                    .put("consistency", consistency.name())
                    .put("inFlight", load.inFlight)
                    .put("keys", keys)
                    .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                    .put("unfinished", outcome.unfinished());
            latencies.addTo(summary, "");
            summary.print(System.out);
        }
        return 0;
    }
}
