package io.capstan.kubelet.probe;

import io.capstan.proto.api.v1.Probe;
import java.time.Duration;

/**
 * Runs one attempt of a probe's action. {@link ActionProber} is the real one; tests of the
 * scheduling and thresholds script their own.
 *
 * <p>Thread-safe: attempts of different containers, and of different probes of one container, run
 * concurrently on the probe threads.
 */
@FunctionalInterface
public interface Prober {

    /**
     * Runs {@code probe}'s action once against {@code target} and returns within about {@code
     * timeout}. Never throws for what the probe finds: a failed check is {@link
     * ProbeResult.Outcome#FAILURE}, a probe that cannot be run (no such named port, container not
     * running) is {@link ProbeResult.Outcome#UNKNOWN}. When interrupted it returns UNKNOWN with the
     * thread's interrupt flag set.
     */
    ProbeResult probe(Probe probe, ProbeTarget target, Duration timeout);
}
