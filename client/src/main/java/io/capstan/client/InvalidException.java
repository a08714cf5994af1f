package io.capstan.client;

import io.grpc.Status;

/**
 * The request or object is invalid (INVALID_ARGUMENT). The server's message starts with the field
 * path, e.g. {@code spec.replicas: must be >= 0, got -1}; {@link #field()} and {@link #problem()}
 * are its two parts.
 */
public final class InvalidException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public InvalidException(String message, boolean afterRetry) {
        super(Status.Code.INVALID_ARGUMENT, message, afterRetry);
        int colon = message.indexOf(": ");
        boolean hasPath = colon > 0 && message.substring(0, colon).chars().noneMatch(Character::isWhitespace);
        this.field = hasPath ? message.substring(0, colon) : "";
        this.problem = hasPath ? message.substring(colon + 2) : message;
    }

    /** The field path the message starts with, e.g. {@code spec.replicas}; empty if none. */
    public String field() {
        return field;
    }

    /** The message after the field path. */
    public String problem() {
        return problem;
    }
}
