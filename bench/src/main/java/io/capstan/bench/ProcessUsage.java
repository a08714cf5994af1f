package io.capstan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of a few processes over one phase of a run, from /proc: CPU is utime + stime
 * of {@code /proc/<pid>/stat} (read through {@link ProcessHandle.Info#totalCpuDuration()}, which
 * converts clock ticks), memory is {@code VmRSS} sampled every second (its peak over the phase) and
 * {@code VmHWM} (the process's peak resident set since it started) of {@code /proc/<pid>/status}.
 * Linux only; a process that cannot be read reports -1.
 */
final class ProcessUsage implements AutoCloseable {
    private static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1);

    /** A process to watch, by a name for the report. */
    record Watched(String name, long pid) {
        static Watched parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--process: expected NAME=PID, got '" + spec + "'");
            }
            try {
                return new Watched(
                        spec.substring(0, eq),
                        Long.parseLong(spec.substring(eq + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--process: bad pid in '" + spec + "'", e);
            }
        }
    }

    /**
     * One process over the phase.
     *
     * @param cpuSeconds CPU time used during the phase
     * @param cpuCores that divided by the phase's wall time (1.0 = one core busy throughout)
     * @param rssPeakMiB the largest VmRSS sampled during the phase
     * @param rssEndMiB VmRSS at the end
     * @param hwmMiB VmHWM at the end
     */
    record Usage(
            String name,
            long pid,
            double cpuSeconds,
            double cpuCores,
            double rssPeakMiB,
            double rssEndMiB,
            double hwmMiB) {}

    private final List<Watched> processes;
    private final long[] cpuStartNanos;
    private final long[] rssPeakKiB;
    private final ScheduledExecutorService sampler;
    private final long startNanos;

    private ProcessUsage(List<Watched> processes) {
        this.processes = List.copyOf(processes);
        this.cpuStartNanos = new long[processes.size()];
        this.rssPeakKiB = new long[processes.size()];
        for (int i = 0; i < processes.size(); i++) {
            cpuStartNanos[i] = cpuNanos(processes.get(i).pid());
            rssPeakKiB[i] = statusKiB(processes.get(i).pid(), "VmRSS").orElse(-1);
        }
        this.startNanos = System.nanoTime();
        this.sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "process-usage");
            thread.setDaemon(true);
            return thread;
        });
        long period = SAMPLE_PERIOD.toMillis();
        sampler.scheduleAtFixedRate(this::sample, period, period, TimeUnit.MILLISECONDS);
    }

    /** Starts the phase: reads each process's CPU time now and samples its VmRSS every second. */
    static ProcessUsage start(List<Watched> processes) {
        return new ProcessUsage(processes);
    }

    private synchronized void sample() {
        for (int i = 0; i < processes.size(); i++) {
            long rss = statusKiB(processes.get(i).pid(), "VmRSS").orElse(-1);
            rssPeakKiB[i] = Math.max(rssPeakKiB[i], rss);
        }
    }

    /** Ends the phase and reports each process, in the order given. */
    List<Usage> finish() {
        sampler.shutdownNow();
        sample();
        double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        List<Usage> usages = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < processes.size(); i++) {
                Watched p = processes.get(i);
                // RSS and its high-water mark from one read of the status file: read apart, the
                // RSS can grow in between and show above the mark read first.
                String status = status(p.pid());
                long cpuEnd = cpuNanos(p.pid());
                double cpu = cpuEnd < 0 || cpuStartNanos[i] < 0 ? -1 : (cpuEnd - cpuStartNanos[i]) / 1e9;
                usages.add(new Usage(
                        p.name(),
                        p.pid(),
                        cpu,
                        cpu < 0 || wallSeconds <= 0 ? -1 : cpu / wallSeconds,
                        mib(rssPeakKiB[i]),
                        mib(parseStatusKiB(status, "VmRSS").orElse(-1)),
                        mib(parseStatusKiB(status, "VmHWM").orElse(-1))));
            }
        }
        return usages;
    }

    /** The usages as summary fields: {@code <name>CpuSeconds}, {@code <name>RssPeakMiB}, ... */
    static Map<String, Object> fields(List<Usage> usages) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Usage u : usages) {
            String n = u.name().replaceAll("[^A-Za-z0-9]", "");
            fields.put(n + "CpuSeconds", u.cpuSeconds());
            fields.put(n + "CpuCores", u.cpuCores());
            fields.put(n + "RssPeakMiB", u.rssPeakMiB());
            fields.put(n + "RssEndMiB", u.rssEndMiB());
            fields.put(n + "HwmMiB", u.hwmMiB());
        }
        return fields;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    private static double mib(long kib) {
        return kib < 0 ? -1 : kib / 1024.0;
    }

    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(h -> h.info().totalCpuDuration())
                .map(Duration::toNanos)
                .orElse(-1L);
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, in KiB. */
    static OptionalLong statusKiB(long pid, String field) {
        return parseStatusKiB(status(pid), field);
    }

    /** The text of {@code /proc/<pid>/status}, empty when the process is gone. */
    private static String status(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        } catch (IOException e) {
            return "";
        }
    }

    static OptionalLong parseStatusKiB(String status, String field) {
        for (String line : status.split("\n", -1)) {
            if (line.startsWith(field + ":")) {
                String[] parts = line.substring(field.length() + 1).trim().split("\\s+", -1);
                try {
                    return OptionalLong.of(Long.parseLong(parts[0]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
