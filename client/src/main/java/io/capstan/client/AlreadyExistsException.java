package io.capstan.client;

import io.grpc.Status;

/** A create named an object that exists (ALREADY_EXISTS). */
public final class AlreadyExistsException extends ApiException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message, boolean afterRetry) {
        super(Status.Code.ALREADY_EXISTS, message, afterRetry);
    }
}
