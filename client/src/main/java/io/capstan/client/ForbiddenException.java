package io.capstan.client;

import io.grpc.Status;

/** The token may not do this (PERMISSION_DENIED). */
public final class ForbiddenException extends ApiException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String message, boolean afterRetry) {
        super(Status.Code.PERMISSION_DENIED, message, afterRetry);
    }
}
