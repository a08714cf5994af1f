package io.capstan.kubelet.probe;

/**
 * The outcome of one probe attempt, with Kubernetes' message for it: the response body or
 * command output on success, "HTTP probe failed with statuscode: 500", "dial tcp
 * 127.0.0.1:1234: connect: connection refused" and the like on failure.
 */
public record ProbeResult(Outcome outcome, String message) {

    /** Kubernetes' probe.Result. */
    public enum Outcome {
        /** Passed. */
        SUCCESS,
        /** Passed with a remark, e.g. an HTTP redirect to another host that was not followed. */
        WARNING,
        /** Failed: counts toward the failure threshold. */
        FAILURE,
        /**
         * The probe could not be run (e.g. a named port the container does not declare, a
         * container that is not running). Counts neither way, as in Kubernetes.
         */
        UNKNOWN
    }

    public static ProbeResult success(String message) {
        return new ProbeResult(Outcome.SUCCESS, message);
    }

    public static ProbeResult warning(String message) {
        return new ProbeResult(Outcome.WARNING, message);
    }

    public static ProbeResult failure(String message) {
        return new ProbeResult(Outcome.FAILURE, message);
    }

    public static ProbeResult unknown(String message) {
        return new ProbeResult(Outcome.UNKNOWN, message);
    }

    /** Success or warning. */
    public boolean passed() {
        return outcome == Outcome.SUCCESS || outcome == Outcome.WARNING;
    }
}
