package io.capstan.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Latencies in microseconds, 3 significant digits, up to 10 minutes. Thread-safe: recorded from
 * transport threads while the driver reads nothing until the run is over.
 */
final class LatencyHistogram {
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final ConcurrentHistogram micros = new ConcurrentHistogram(1, MAX_MICROS, 3);

    void recordNanos(long nanos) {
        micros.recordValue(Math.min(MAX_MICROS, Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos))));
    }

    long count() {
        return micros.getTotalCount();
    }

    /** The latency at {@code percentile} (0..100) in milliseconds; 0 when nothing was recorded. */
    double percentileMillis(double percentile) {
        return count() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return count() == 0 ? 0 : micros.getMaxValue() / 1000.0;
    }

    /** Adds p50/p90/p99/max under {@code prefix} ("" gives p50Ms, "delivery" gives deliveryP50Ms). */
    void addTo(Summary summary, String prefix) {
        summary.put(name(prefix, "p50Ms"), percentileMillis(50))
                .put(name(prefix, "p90Ms"), percentileMillis(90))
                .put(name(prefix, "p99Ms"), percentileMillis(99))
                .put(name(prefix, "maxMs"), maxMillis());
    }

    private static String name(String prefix, String metric) {
        return prefix.isEmpty() ? metric : prefix + Character.toUpperCase(metric.charAt(0)) + metric.substring(1);
    }
}
