package io.capstan.bench;

import java.time.Duration;

/** Every run is bounded in count and time; these checks reject options outside the bounds. */
final class Bounds {
    static final Duration MAX_DURATION = Duration.ofMinutes(10);
    static final long MAX_TOTAL = 100_000_000L;
    static final int MAX_IN_FLIGHT = 4096;
    // etcd's default request size limit is 1.5 MiB
    static final int MAX_VALUE_BYTES = 1536 * 1024;

    private Bounds() {}

    static long check(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    String.format("%s: must be in [%d, %d], got %d", option, min, max, value));
        }
        return value;
    }

    static int check(String option, int value, int min, int max) {
        return (int) check(option, (long) value, min, max);
    }

    static Duration check(String option, Duration value, Duration min) {
        if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(
                    String.format("%s: must be in [%s, %s], got %s", option, min, MAX_DURATION, value));
        }
        return value;
    }
}
