package io.capstan.client;

import io.grpc.Status;

/**
 * A call to the object API failed with a gRPC status. Subclasses stand for the statuses a caller
 * acts on; any other status is an ApiException itself (FAILED_PRECONDITION, RESOURCE_EXHAUSTED,
 * INTERNAL, ...).
 *
 * <p>{@link #afterRetry()} is true when the status came from a retry that followed an attempt
 * whose outcome is unknown (UNAVAILABLE: the write may or may not have happened). A create that
 * then fails with {@link AlreadyExistsException}, a delete with {@link NotFoundException}, or a
 * guarded write with {@link ConflictException} may be seeing the effect of its own first attempt.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;
    private final boolean afterRetry;

    public ApiException(Status.Code code, String message, boolean afterRetry) {
        super(code + ": " + message + (afterRetry ? " (after a retry; an earlier attempt may have taken effect)" : ""));
        this.code = code;
        this.afterRetry = afterRetry;
    }

    public Status.Code code() {
        return code;
    }

    public boolean afterRetry() {
        return afterRetry;
    }
}
