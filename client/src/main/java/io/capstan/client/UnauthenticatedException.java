package io.capstan.client;

import io.grpc.Status;

/** No token, or one the server does not know (UNAUTHENTICATED). */
public final class UnauthenticatedException extends ApiException {
    private static final long serialVersionUID = 1L;

    public UnauthenticatedException(String message, boolean afterRetry) {
        super(Status.Code.UNAUTHENTICATED, message, afterRetry);
    }
}
