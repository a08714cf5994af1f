package io.capstan.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Turns gRPC statuses, and the codes of watch ERROR events, into {@link ApiException}s: once, here. */
final class ApiErrors {
    private ApiErrors() {}

    static ApiException from(StatusRuntimeException e, boolean afterRetry) {
        Status status = e.getStatus();
        String message = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        ApiException mapped = from(status.getCode(), message, afterRetry);
        mapped.initCause(e);
        return mapped;
    }

    /** A watch ERROR event: 8 (a watcher too slow to keep) and 14 mean "watch again". */
    static ApiException fromWatchError(int code, String message) {
        Status.Code statusCode = Status.fromCodeValue(code).getCode();
        if (statusCode == Status.Code.RESOURCE_EXHAUSTED) {
            return new UnavailableException(statusCode, message, false);
        }
        return from(statusCode, message, false);
    }

    static ApiException from(Status.Code code, String message, boolean afterRetry) {
        return switch (code) {
            case NOT_FOUND -> new NotFoundException(message, afterRetry);
            case ALREADY_EXISTS -> new AlreadyExistsException(message, afterRetry);
            case ABORTED -> new ConflictException(message, afterRetry);
            case INVALID_ARGUMENT -> new InvalidException(message, afterRetry);
            case OUT_OF_RANGE -> new ExpiredException(message, afterRetry);
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new UnavailableException(code, message, afterRetry);
            case UNAUTHENTICATED -> new UnauthenticatedException(message, afterRetry);
            case PERMISSION_DENIED -> new ForbiddenException(message, afterRetry);
            default -> new ApiException(code, message, afterRetry);
        };
    }
}
