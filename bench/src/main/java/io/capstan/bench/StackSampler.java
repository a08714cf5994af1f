package io.capstan.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A poor man's profiler for this JVM: every {@code period} it takes the stacks of the threads
 * whose names start with a prefix and counts, per sample, where each thread is: its state and the
 * topmost frames, the first of them in {@code io.capstan}. Enough to tell a worker that waits on a
 * round trip from one that waits on a lock or computes. Runs on a daemon thread until closed.
 */
final class StackSampler implements AutoCloseable {
    private static final int FRAMES = 4;

    private final String prefix;
    private final Duration period;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder samples = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    private StackSampler(String prefix, Duration period) {
        this.prefix = prefix;
        this.period = period;
        this.thread = new Thread(this::loop, "stack-sampler");
        this.thread.setDaemon(true);
    }

    static StackSampler start(String threadPrefix, Duration period) {
        StackSampler sampler = new StackSampler(threadPrefix, period);
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        while (running) {
            for (Map.Entry<Thread, StackTraceElement[]> entry :
                    Thread.getAllStackTraces().entrySet()) {
                if (entry.getKey().getName().startsWith(prefix)) {
                    counts.computeIfAbsent(where(entry.getKey(), entry.getValue()), k -> new LongAdder())
                            .increment();
                    samples.increment();
                }
            }
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The thread's state, the top frame, and the first frames of ours below it. */
    private static String where(Thread thread, StackTraceElement[] stack) {
        if (stack.length == 0) {
            return thread.getState() + " (no stack)";
        }
        StringBuilder where =
                new StringBuilder(thread.getState().toString()).append(' ').append(frame(stack[0]));
        int ours = 0;
        for (int i = 1; i < stack.length && ours < FRAMES; i++) {
            if (stack[i].getClassName().startsWith("io.capstan.")) {
                where.append(" < ").append(frame(stack[i]));
                ours++;
            }
        }
        return where.toString();
    }

    private static String frame(StackTraceElement frame) {
        String type = frame.getClassName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName();
    }

    /** The {@code top} most frequent places, as a share of all samples. */
    void print(PrintStream out, int top) {
        long total = Math.max(1, samples.sum());
        List<Map.Entry<String, LongAdder>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()));
        out.printf(Locale.ROOT, "stack samples of %s* threads: %d%n", prefix, samples.sum());
        for (int i = 0; i < Math.min(top, sorted.size()); i++) {
            long n = sorted.get(i).getValue().sum();
            out.printf(
                    Locale.ROOT,
                    "  %5.1f%%  %s%n",
                    100.0 * n / total,
                    sorted.get(i).getKey());
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
