package io.capstan.client;

import io.grpc.Status;

/** A resourceVersion or continue token is older than the server retains (OUT_OF_RANGE): list again from the start. */
public final class ExpiredException extends ApiException {
    private static final long serialVersionUID = 1L;

    public ExpiredException(String message, boolean afterRetry) {
        super(Status.Code.OUT_OF_RANGE, message, afterRetry);
    }
}
