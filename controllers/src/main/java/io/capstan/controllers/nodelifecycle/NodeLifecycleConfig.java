package io.capstan.controllers.nodelifecycle;

import java.time.Duration;

/**
 * The node lifecycle controller's periods, Kubernetes' defaults unless changed. Tests shorten them
 * to seconds.
 *
 * @param monitorPeriod how often each node is looked at even when nothing changes
 *     (--node-monitor-period, 5 s)
 * @param gracePeriod how long a node may go without renewing its Lease or posting status before its
 *     conditions become Unknown (--node-monitor-grace-period, 40 s)
 * @param startupGracePeriod the same for a node that has never posted a Ready condition, counted
 *     from its creation (--node-startup-grace-period, 60 s)
 * @param defaultToleration how long a pod stays on a not-ready or unreachable node when it has no
 *     toleration of its own for that taint: the tolerationSeconds the DefaultTolerationSeconds
 *     admission gives every pod (300 s)
 * @param terminatingPodTimeout how long a pod may stay terminating, past its grace period, on a
 *     node that is not ready before it is removed without the kubelet's confirmation (delete with
 *     grace 0), so that nothing waits on it forever (60 s)
 */
public record NodeLifecycleConfig(
        Duration monitorPeriod,
        Duration gracePeriod,
        Duration startupGracePeriod,
        Duration defaultToleration,
        Duration terminatingPodTimeout) {

    public NodeLifecycleConfig {
        positive("monitorPeriod", monitorPeriod);
        positive("gracePeriod", gracePeriod);
        positive("startupGracePeriod", startupGracePeriod);
        if (defaultToleration.isNegative()) {
            throw new IllegalArgumentException("defaultToleration: must be >= 0, got " + defaultToleration);
        }
        if (terminatingPodTimeout.isNegative()) {
            throw new IllegalArgumentException("terminatingPodTimeout: must be >= 0, got " + terminatingPodTimeout);
        }
    }

    public static NodeLifecycleConfig defaults() {
        return new NodeLifecycleConfig(
                Duration.ofSeconds(5),
                Duration.ofSeconds(40),
                Duration.ofSeconds(60),
                Duration.ofSeconds(300),
                Duration.ofSeconds(60));
    }

    public NodeLifecycleConfig withMonitorPeriod(Duration value) {
        return new NodeLifecycleConfig(
                value, gracePeriod, startupGracePeriod, defaultToleration, terminatingPodTimeout);
    }

    public NodeLifecycleConfig withGracePeriod(Duration value) {
        return new NodeLifecycleConfig(
                monitorPeriod, value, startupGracePeriod, defaultToleration, terminatingPodTimeout);
    }

    public NodeLifecycleConfig withStartupGracePeriod(Duration value) {
        return new NodeLifecycleConfig(monitorPeriod, gracePeriod, value, defaultToleration, terminatingPodTimeout);
    }

    public NodeLifecycleConfig withDefaultToleration(Duration value) {
        return new NodeLifecycleConfig(monitorPeriod, gracePeriod, startupGracePeriod, value, terminatingPodTimeout);
    }

    public NodeLifecycleConfig withTerminatingPodTimeout(Duration value) {
        return new NodeLifecycleConfig(monitorPeriod, gracePeriod, startupGracePeriod, defaultToleration, value);
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": must be > 0, got " + value);
        }
    }
}
