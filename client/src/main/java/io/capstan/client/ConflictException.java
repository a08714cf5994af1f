package io.capstan.client;

import io.grpc.Status;

/** A resourceVersion or uid precondition no longer holds (ABORTED): read again and retry. */
public final class ConflictException extends ApiException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message, boolean afterRetry) {
        super(Status.Code.ABORTED, message, afterRetry);
    }
}
