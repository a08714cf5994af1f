package io.capstan.bench;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "put",
        description = "Puts values to random keys of a key space with N requests in flight.",
        mixinStandardHelpOptions = true)
final class PutCommand implements Callable<Integer> {
    static final String PREFIX = "/bench/put/";

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ClosedLoopOptions load = new ClosedLoopOptions();

    @Option(names = "--value-size", defaultValue = "256", description = "Value bytes (default ${DEFAULT-VALUE})")
    int valueSize = 256;

    @Option(names = "--key-space", defaultValue = "100000", description = "Distinct keys (default ${DEFAULT-VALUE})")
    int keySpace = 100_000;

    @Option(
            names = "--leader-only",
            description = "Send every put to the leader found by Maintenance.Status instead of round-robin")
    boolean leaderOnly;

    @Override
    public Integer call() throws InterruptedException {
        load.check();
        Bounds.check("--value-size", valueSize, 0, Bounds.MAX_VALUE_BYTES);
        Bounds.check("--key-space", keySpace, 1, 100_000_000);
        ByteString value = Payloads.value(valueSize);
        try (Cluster c = cluster.connect()) {
            int leader = leaderOnly
                    ? c.findLeader(Duration.ofSeconds(2))
                            .orElseThrow(
                                    () -> new IllegalStateException("--leader-only: no member reports being leader"))
                    : -1;
            InFlightLoad.Request put = (seq, done) -> {
                Cluster.Target t = leader >= 0 ? c.target(leader) : c.next();
                PutRequest request = PutRequest.newBuilder()
                        .setKey(Payloads.key(PREFIX, ThreadLocalRandom.current().nextInt(keySpace)))
                        .setValue(value)
                        .build();
                KVGrpc.newStub(t.channel())
                        .withDeadlineAfter(cluster.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
                        .put(request, InFlightLoad.observer(done));
            };
            if (!load.warmup.isZero()) {
                InFlightLoad.closedLoop(load.inFlight, load.total, load.warmup, cluster.drain())
                        .run(put, new LatencyHistogram(), new ErrorCounts());
            }
            LatencyHistogram latencies = new LatencyHistogram();
            ErrorCounts errors = new ErrorCounts();
            InFlightLoad.Outcome outcome = InFlightLoad.closedLoop(
                            load.inFlight, load.total, load.duration, cluster.drain())
                    .run(put, latencies, errors);
            Summary summary = new Summary("put")
                    .put("endpoints", cluster.endpoints)
                    .put("inFlight", load.inFlight)
                    .put("valueSize", valueSize)
                    .put("leaderOnly", leaderOnly)
                    .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                    .put("unfinished", outcome.unfinished());
            latencies.addTo(summary, "");
            summary.print(System.out);
        }
        return 0;
    }
}
