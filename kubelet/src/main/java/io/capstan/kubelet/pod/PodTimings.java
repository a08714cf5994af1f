package io.capstan.kubelet.pod;

import java.time.Duration;

/**
 * The periods of the pod workers. Kubernetes' numbers by default; tests shorten them.
 *
 * @param backoffInitial the crash-loop back-off after the second exit (10 s)
 * @param backoffMax its cap (5 min)
 * @param backoffReset a run this long resets the back-off (10 min)
 * @param resync every pod is synced at least this often (10 s)
 * @param endpointsDrain how long a terminating pod waits to leave Endpoints before SIGTERM (5 s)
 * @param defaultGrace the grace period when neither the deletion nor the spec gives one (30 s)
 */
public record PodTimings(
        Duration backoffInitial,
        Duration backoffMax,
        Duration backoffReset,
        Duration resync,
        Duration endpointsDrain,
        Duration defaultGrace) {

    public static PodTimings defaults() {
        return new PodTimings(
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30));
    }

    public PodTimings withBackoff(Duration initial, Duration max) {
        return new PodTimings(initial, max, backoffReset, resync, endpointsDrain, defaultGrace);
    }

    public PodTimings withResync(Duration period) {
        return new PodTimings(backoffInitial, backoffMax, backoffReset, period, endpointsDrain, defaultGrace);
    }

    public PodTimings withEndpointsDrain(Duration drain) {
        return new PodTimings(backoffInitial, backoffMax, backoffReset, resync, drain, defaultGrace);
    }
}
