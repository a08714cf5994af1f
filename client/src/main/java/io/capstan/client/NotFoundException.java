package io.capstan.client;

import io.grpc.Status;

/** The object, or on create its namespace, does not exist (NOT_FOUND). */
public final class NotFoundException extends ApiException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message, boolean afterRetry) {
        super(Status.Code.NOT_FOUND, message, afterRetry);
    }
}
