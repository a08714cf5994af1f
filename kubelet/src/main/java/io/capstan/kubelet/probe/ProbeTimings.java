package io.capstan.kubelet.probe;

import io.capstan.proto.api.v1.Probe;
import java.time.Duration;

/**
 * When a probe runs and how its attempts count, as durations so that tests may use sub-second
 * periods (the API's minimum is one second).
 *
 * @param initialDelay from the container's start to the first attempt
 * @param period between the starts of two attempts
 * @param timeout of one attempt
 * @param successThreshold consecutive successes that make a failing probe pass
 * @param failureThreshold consecutive failures that make a passing probe fail
 */
public record ProbeTimings(
        Duration initialDelay, Duration period, Duration timeout, int successThreshold, int failureThreshold) {

    // Kubernetes' defaults, which the API server applies too.
    public static final int DEFAULT_TIMEOUT_SECONDS = 1;
    public static final int DEFAULT_PERIOD_SECONDS = 10;
    public static final int DEFAULT_SUCCESS_THRESHOLD = 1;
    public static final int DEFAULT_FAILURE_THRESHOLD = 3;

    public ProbeTimings {
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("initialDelay: must not be negative, got " + initialDelay);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: must be positive, got " + period);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be positive, got " + timeout);
        }
        if (successThreshold < 1) {
            throw new IllegalArgumentException("successThreshold: must be >= 1, got " + successThreshold);
        }
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: must be >= 1, got " + failureThreshold);
        }
    }

    /**
     * The timings a probe message states. Unset fields, and values the API would have rejected (below
     * the minimum of 1, or a negative initial delay), take Kubernetes' defaults, so a probe built by
     * a test without the API server's defaulting behaves as a defaulted one.
     */
    public static ProbeTimings of(Probe probe) {
        return new ProbeTimings(
                Duration.ofSeconds(Math.max(0, probe.getInitialDelaySeconds())),
                Duration.ofSeconds(
                        orDefault(probe.hasPeriodSeconds(), probe.getPeriodSeconds(), DEFAULT_PERIOD_SECONDS)),
                Duration.ofSeconds(
                        orDefault(probe.hasTimeoutSeconds(), probe.getTimeoutSeconds(), DEFAULT_TIMEOUT_SECONDS)),
                orDefault(probe.hasSuccessThreshold(), probe.getSuccessThreshold(), DEFAULT_SUCCESS_THRESHOLD),
                orDefault(probe.hasFailureThreshold(), probe.getFailureThreshold(), DEFAULT_FAILURE_THRESHOLD));
    }

    private static int orDefault(boolean set, int value, int defaultValue) {
        return set && value >= 1 ? value : defaultValue;
    }
}
