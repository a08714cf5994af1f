package io.capstan.client;

import io.grpc.Status;

/**
 * No answer: no API server could be reached, the store did not answer in time (UNAVAILABLE), the
 * call's deadline passed (DEADLINE_EXCEEDED), or a watch stream broke (UNAVAILABLE, or CANCELLED by
 * the server) or was dropped as too slow (RESOURCE_EXHAUSTED in its ERROR event). A write may or may not have happened.
 * Retry guarded by resourceVersion; re-watch from the last resourceVersion seen.
 */
public final class UnavailableException extends ApiException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(Status.Code code, String message, boolean afterRetry) {
        super(code, message, afterRetry);
    }
}
