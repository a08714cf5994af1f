package io.capstan.kubelet.probe;

/**
 * Hears what the probes of one container find. Calls for one container come one at a time and in
 * order, from the probe threads (and possibly from {@link ProbeManager#start} itself, for the
 * transitions of a container that has no startup or readiness probe); none starts after {@link
 * ContainerProbes#stop} has returned, though one already under way may finish. A listener must
 * return quickly and must not wait for other threads; it may call {@link ContainerProbes#stop}.
 */
public interface ProbeListener {

    /**
     * The startup probe passed (at once, when the container has none): liveness and readiness
     * probes run from now on.
     */
    default void onStarted() {}

    /**
     * The container turned ready (its readiness probe reached its success threshold, or it started
     * and has no readiness probe) or not ready (failure threshold reached).
     */
    default void onReadyChanged(boolean ready) {}

    /**
     * The liveness probe reached its failure threshold: the container should be restarted (per the
     * pod's restart policy). The liveness probe stops; the others go on until {@link
     * ContainerProbes#stop}.
     *
     * @param message the last attempt's message, e.g. "HTTP probe failed with statuscode: 500"
     */
    default void onLivenessFailed(String message) {}

    /**
     * The startup probe reached its failure threshold: the container should be restarted. Nothing
     * is probed any more.
     */
    default void onStartupFailed(String message) {}

    /**
     * One attempt failed, or could not be run: the message of a Warning event with reason
     * "Unhealthy", as Kubernetes words it: "Liveness probe failed: HTTP probe failed with
     * statuscode: 500", or "Readiness probe errored: port "http" not found ..." for an attempt that
     * counts neither way.
     */
    default void onUnhealthy(ProbeKind kind, String message) {}
}
