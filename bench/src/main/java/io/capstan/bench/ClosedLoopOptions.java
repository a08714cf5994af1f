package io.capstan.bench;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How a closed-loop scenario (put, get) is bounded: requests in flight, count, time, warm-up. */
final class ClosedLoopOptions {
    @Option(
            names = {"--in-flight", "--clients"},
            defaultValue = "16",
            description = "Requests outstanding at once (default ${DEFAULT-VALUE})")
    int inFlight = 16;

    @Option(names = "--total", defaultValue = "10000000", description = "Stop after this many requests")
    long total = 10_000_000;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Stop after this long (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(10);

    @Option(
            names = "--warmup",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "Unmeasured load first, for the JIT and connections (default ${DEFAULT-VALUE})")
    Duration warmup = Duration.ofSeconds(2);

    /** Refuses values outside the tool's bounds, naming the flag. */
    void check() {
        Bounds.check("--in-flight", inFlight, 1, Bounds.MAX_IN_FLIGHT);
        Bounds.check("--total", total, 1, Bounds.MAX_TOTAL);
        Bounds.check("--duration", duration, Duration.ofMillis(100));
        Bounds.check("--warmup", warmup, Duration.ZERO);
    }
}
