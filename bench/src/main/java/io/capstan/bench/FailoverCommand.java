package io.capstan.bench;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.grpc.Status;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Leader failover: writes at a steady rate, kills the leader part-way (or waits for someone else to),
 * and reports the longest gap between two consecutive acknowledged writes. With a rate r the gap has
 * a floor of 1/r; anything far above it is the time the cluster could not commit.
 */
@Command(
        name = "failover",
        description = "Steady writes while the leader is killed; reports the longest gap between acknowledged writes.",
        mixinStandardHelpOptions = true)
final class FailoverCommand implements Callable<Integer> {
    static final String PREFIX = "/bench/failover/";
    private static final Duration AVOID_AFTER_FAILURE = Duration.ofMillis(500);
    private static final Duration KILL_COMMAND_TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--rate", defaultValue = "200", description = "Puts per second (default ${DEFAULT-VALUE})")
    int rate = 200;

    @Option(
            names = "--in-flight",
            defaultValue = "1024",
            description = "Outstanding puts at most; keep it above rate x rpc-timeout, so puts stuck in an election"
                    + " never hold back new ones (default ${DEFAULT-VALUE})")
    int inFlight = 1024;

    @Option(
            names = "--duration",
            defaultValue = "15s",
            converter = DurationConverter.class,
            description = "Write for this long in all (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(15);

    @Option(names = "--total", defaultValue = "1000000", description = "Stop after this many puts")
    long total = 1_000_000;

    @Option(
            names = "--kill-after",
            defaultValue = "4s",
            converter = DurationConverter.class,
            description = "When to kill the leader, from the start of writing (default ${DEFAULT-VALUE})")
    Duration killAfter = Duration.ofSeconds(4);

    @Option(
            names = "--pids",
            split = ",",
            description = "endpoint=pid pairs, e.g. 127.0.0.1:42379=1234; the leader's pid gets SIGKILL")
    List<String> pids = new ArrayList<>();

    @Option(
            names = "--kill-cmd",
            description =
                    "Shell command that kills the leader; sees BENCH_LEADER_INDEX (1-based) and BENCH_LEADER_ENDPOINT")
    String killCommand = "";

    @Override
    public Integer call() throws InterruptedException {
        Bounds.check("--rate", rate, 1, 100_000);
        Bounds.check("--in-flight", inFlight, 1, Bounds.MAX_IN_FLIGHT);
        Bounds.check("--duration", duration, Duration.ofSeconds(1));
        Bounds.check("--total", total, 1, Bounds.MAX_TOTAL);
        Bounds.check("--kill-after", killAfter, Duration.ZERO);
        Map<String, Long> pidByEndpoint = parsePids();
        ByteString value = Payloads.value(256);
        ConcurrentLinkedQueue<Long> ackedAt = new ConcurrentLinkedQueue<>();
        AtomicLong killedAt = new AtomicLong();
        String[] killed = {"none"};
        try (Cluster c = cluster.connect()) {
            InFlightLoad.Request put = (seq, done) -> {
                Cluster.Target t = c.next();
                KVGrpc.newStub(t.channel())
                        .withDeadlineAfter(cluster.rpcTimeoutMillis(), TimeUnit.MILLISECONDS)
                        .put(
                                PutRequest.newBuilder()
                                        .setKey(Payloads.key(PREFIX, seq % 10_000))
                                        .setValue(value)
                                        .build(),
                                InFlightLoad.observer(new InFlightLoad.Completion() {
                                    @Override
                                    public void succeeded() {
                                        ackedAt.add(System.nanoTime());
                                        done.succeeded();
                                    }

                                    @Override
                                    public void failed(Throwable failure) {
                                        if (Status.fromThrowable(failure).getCode() == Status.Code.UNAVAILABLE) {
                                            c.avoid(t.member(), AVOID_AFTER_FAILURE);
                                        }
                                        done.failed(failure);
                                    }
                                }));
            };
            Thread killer = new Thread(
                    () -> {
                        try {
                            Thread.sleep(killAfter.toMillis());
                            killed[0] = killLeader(c, pidByEndpoint, killedAt);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "failover-killer");
            killer.setDaemon(true);
            LatencyHistogram latencies = new LatencyHistogram();
            ErrorCounts errors = new ErrorCounts();
            long start = System.nanoTime();
            killer.start();
            InFlightLoad.Outcome outcome =
                    new InFlightLoad(inFlight, total, duration, rate, cluster.drain()).run(put, latencies, errors);
            killer.join(KILL_COMMAND_TIMEOUT.toMillis());
            long end = start + duration.toNanos();

            long[] acks = ackedAt.stream().mapToLong(Long::longValue).sorted().toArray();
            long maxGap = 0;
            long gapStart = start;
            long previous = start;
            for (long at : acks) {
                if (at - previous > maxGap) {
                    maxGap = at - previous;
                    gapStart = previous;
                }
                previous = at;
            }
            boolean recovered = acks.length > 0 && killedAt.get() != 0 && acks[acks.length - 1] > killedAt.get();
            if (end - previous > maxGap) {
                // no write was acknowledged after this point: the gap lasts at least until the end
                maxGap = end - previous;
                gapStart = previous;
            }
            Summary summary = new Summary("failover")
                    .put("endpoints", cluster.endpoints)
                    .put("rate", rate)
                    .put("killed", killed[0])
                    .put("recovered", recovered)
                    .putThroughput(outcome.succeeded(), errors, outcome.elapsedSeconds())
                    .put("maxGapMs", maxGap / 1e6)
                    .put("gapStartAfterKillMs", killedAt.get() == 0 ? Double.NaN : (gapStart - killedAt.get()) / 1e6);
            latencies.addTo(summary, "");
            summary.print(System.out);
        }
        return 0;
    }

    private Map<String, Long> parsePids() {
        Map<String, Long> byEndpoint = new HashMap<>();
        for (String pair : pids) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("--pids: expected endpoint=pid, got '" + pair + "'");
            }
            Endpoint endpoint = Endpoint.parseList(parts[0]).get(0);
            try {
                byEndpoint.put(endpoint.toString(), Long.parseLong(parts[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--pids: bad pid in '" + pair + "'", e);
            }
        }
        return byEndpoint;
    }

    /** Kills the current leader; returns which endpoint was killed, for the summary. */
    private String killLeader(Cluster c, Map<String, Long> pidByEndpoint, AtomicLong killedAt)
            throws InterruptedException {
        Optional<Integer> leader = c.findLeader(Duration.ofSeconds(1));
        if (leader.isEmpty()) {
            System.err.println("failover: no member reports being leader; nothing killed");
            return "none";
        }
        int member = leader.get();
        Endpoint endpoint = c.endpoint(member);
        Long pid = pidByEndpoint.get(endpoint.toString());
        if (pid != null) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isEmpty()) {
                System.err.printf("failover: leader %s pid %d is not running%n", endpoint, pid);
                return "none";
            }
            killedAt.set(System.nanoTime());
            process.get().destroyForcibly(); // SIGKILL on Linux: a crash, not a graceful stop
        } else if (!killCommand.isBlank()) {
            // its output goes to stderr so that stdout keeps only the summary
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", killCommand)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("/dev/stderr")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("BENCH_LEADER_INDEX", Integer.toString(member + 1));
            builder.environment().put("BENCH_LEADER_ENDPOINT", endpoint.toString());
            killedAt.set(System.nanoTime());
            try {
                Process process = builder.start();
                if (!process.waitFor(KILL_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    System.err.println("failover: --kill-cmd still running after 30 s; stopped it");
                } else if (process.exitValue() != 0) {
                    System.err.printf("failover: --kill-cmd exited %d%n", process.exitValue());
                }
            } catch (IOException e) {
                System.err.println("failover: --kill-cmd could not start: " + e);
                return "none";
            }
        } else {
            System.err.printf(
                    "failover: leader is %s; no --pids or --kill-cmd, so waiting for an external kill%n", endpoint);
            return "external:" + endpoint;
        }
        // the dead member would otherwise get a share of the writes until each failed
        c.avoid(member, duration);
        System.err.printf("failover: killed leader %s (member %d)%n", endpoint, member + 1);
        return endpoint.toString();
    }
}
