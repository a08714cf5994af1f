package io.capstan.bench;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "fill",
        description = "Writes N distinct keys of a given value size once, e.g. before measuring memory.",
        mixinStandardHelpOptions = true)
final class FillCommand implements Callable<Integer> {
    static final String PREFIX = "/bench/fill/";

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--keys", defaultValue = "100000", description = "Keys to write (default ${DEFAULT-VALUE})")
    long keys = 100_000;

    @Option(names = "--value-size", defaultValue = "1024", description = "Value bytes (default ${DEFAULT-VALUE})")
    int valueSize = 1024;

    @Option(
            names = {"--in-flight", "--clients"},
            defaultValue = "64",
            description = "Requests outstanding at once (default ${DEFAULT-VALUE})")
    int inFlight = 64;

    @Option(
            names = "--max-duration",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "Give up after this long (default ${DEFAULT-VALUE})")
    Duration maxDuration = Duration.ofMinutes(5);

    @Override
    public Integer call() throws InterruptedException {
        Bounds.check("--keys", keys, 1, Bounds.MAX_TOTAL);
        Bounds.check("--value-size", valueSize, 0, Bounds.MAX_VALUE_BYTES);
        Bounds.check("--in-flight", inFlight, 1, Bounds.MAX_IN_FLIGHT);
        Bounds.check("--max-duration", maxDuration, Duration.ofSeconds(1));
        ByteString value = Payloads.value(valueSize);
        try (Cluster c = cluster.connect()) {
            LatencyHistogram latencies = new LatencyHistogram();
            ErrorCounts errors = new ErrorCounts();
            InFlightLoad.Outcome outcome = InFlightLoad.closedLoop(inFlight, keys, maxDuration, cluster.drain())
                    .run(
                            (seq, done) -> KVGrpc.newStub(c.next().channel())
                                    .withDeadlineAfter(cluster.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
                                    .put(
                                            PutRequest.newBuilder()
                                                    .setKey(Payloads.key(PREFIX, seq))
                                                    .setValue(value)
                                                    .build(),
                                            InFlightLoad.observer(done)),
                            latencies,
                            errors);
            Summary summary = new Summary("fill")
                    .put("endpoints", cluster.endpoints)
                    .put("keys", keys)
                    .put("valueSize", valueSize)
                    .put("inFlight", inFlight)
                    .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                    .put("complete", outcome.succeeded() == keys);
            latencies.addTo(summary, "");
            summary.print(System.out);
            return outcome.succeeded() == keys ? 0 : 1;
        }
    }
}
