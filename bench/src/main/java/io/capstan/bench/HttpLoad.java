package io.capstan.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * {@link IngressBench}'s load on one target: {@code connections} kept-alive HTTP/1.1 connections,
 * one thread and one {@code GET /} in flight each (closed loop), for {@code warmup} not recorded
 * and then {@code duration}; throughput, latency percentiles, errors by kind and, for a proxy
 * whose pids are known, its CPU time per request.
 */
final class HttpLoad {
    private final int connections;
    private final Duration warmup;
    private final Duration duration;

    HttpLoad(int connections, Duration warmup, Duration duration) {
        this.connections = connections;
        this.warmup = warmup;
        this.duration = duration;
    }

    /**
     * Loads {@code address} and reports it; when {@code proxyPids} names the processes serving it,
     * also their CPU time per request over the measured part.
     */
    Result measure(String name, InetSocketAddress address, List<Long> proxyPids) throws InterruptedException {
        System.out.printf(
                Locale.ROOT,
                "%s: %d connections to %s, %s warm-up, %s measured%n",
                name,
                connections,
                address,
                warmup,
                duration);
        double loadAtStart = LoadAverage.oneMinute();
        LatencyHistogram latencies = new LatencyHistogram();
        LongAdder ops = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(
                    () -> drive(address, measureFrom, end, latencies, ops, errors), "load-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        @Nullable ProcessUsage usage = null;
        if (!proxyPids.isEmpty()) {
            long untilMeasured = measureFrom - System.nanoTime();
            if (untilMeasured > 0) {
                TimeUnit.NANOSECONDS.sleep(untilMeasured);
            }
            List<ProcessUsage.Watched> watched = new ArrayList<>();
            proxyPids.forEach(pid -> watched.add(new ProcessUsage.Watched("proxy-" + pid, pid)));
            usage = ProcessUsage.start(watched);
        }
        // each thread stops by `end`, plus at most one socket timeout for a request under way
        long joinDeadline = end + IngressBench.SOCKET_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
        }
        double proxyCpuSeconds = -1;
        if (usage != null) {
            proxyCpuSeconds = usage.finish().stream()
                    .mapToDouble(ProcessUsage.Usage::cpuSeconds)
                    .filter(cpu -> cpu >= 0)
                    .sum();
        }
        double elapsed = duration.toNanos() / 1e9;
        // the CPU window runs until every thread stopped, a little past `end`: a slight overestimate
        double proxyCpuMicrosPerRequest =
                proxyCpuSeconds < 0 || ops.sum() == 0 ? -1 : proxyCpuSeconds * 1e6 / ops.sum();
        Map<String, Long> byKind = new TreeMap<>();
        errors.forEach((k, v) -> byKind.put(k, v.sum()));
        long errorTotal = byKind.values().stream().mapToLong(Long::longValue).sum();
        Summary summary = new Summary("ingress")
                .put("target", name)
                .put("address", address.getHostString() + ":" + address.getPort())
                .put("connections", connections)
                .put("ops", ops.sum())
                .put("errors", errorTotal)
                .put("errorsByKind", byKind)
                .put("elapsedSeconds", elapsed)
                .put("throughput", ops.sum() / elapsed);
        latencies.addTo(summary, "");
        summary.put("loadAverage1m", loadAtStart);
        if (proxyCpuSeconds >= 0) {
            summary.put("proxyCpuSeconds", proxyCpuSeconds).put("proxyCpuMicrosPerRequest", proxyCpuMicrosPerRequest);
        }
        summary.print(System.out);
        return new Result(
                name,
                ops.sum() / elapsed,
                latencies.percentileMillis(50),
                latencies.percentileMillis(90),
                latencies.percentileMillis(99),
                latencies.maxMillis(),
                errorTotal,
                proxyCpuMicrosPerRequest);
    }

    /** One connection's closed loop: a request, its answer, the next; reconnects after a failure. */
    private static void drive(
            InetSocketAddress address,
            long measureFrom,
            long end,
            LatencyHistogram latencies,
            LongAdder ops,
            Map<String, LongAdder> errors) {
        @Nullable BenchHttpConnection connection = null;
        try {
            while (true) {
                long begin = System.nanoTime();
                if (begin >= end) {
                    return;
                }
                String failure = null;
                try {
                    if (connection == null) {
                        connection = new BenchHttpConnection(address);
                    }
                    int status = connection.get();
                    if (status != 200) {
                        failure = "status-" + status;
                    }
                } catch (IOException e) {
                    failure = e.getClass().getSimpleName();
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
                long done = System.nanoTime();
                if (begin >= measureFrom && done <= end) {
                    if (failure == null) {
                        ops.increment();
                        latencies.recordNanos(done - begin);
                    } else {
                        errors.computeIfAbsent(failure, k -> new LongAdder()).increment();
                    }
                }
                if (failure != null && connection == null) {
                    pause();
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One target's figures for the table. */
    record Result(
            String target,
            double throughput,
            double p50Ms,
            double p90Ms,
            double p99Ms,
            double maxMs,
            long errors,
            double proxyCpuMicrosPerRequest) {}

    static void printTable(List<Result> results) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-8s %12s %9s %9s %9s %9s %8s %12s%n",
                "target",
                "requests/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "errors",
                "proxy us/req");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %12.0f %9.3f %9.3f %9.3f %9.3f %8d %12s%n",
                    r.target(),
                    r.throughput(),
                    r.p50Ms(),
                    r.p90Ms(),
                    r.p99Ms(),
                    r.maxMs(),
                    r.errors(),
                    r.proxyCpuMicrosPerRequest() < 0
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", r.proxyCpuMicrosPerRequest()));
        }
        System.out.flush();
    }
}
