package io.capstan.cli;

/** A failure whose message is ready for the user: printed as {@code error: <message>}, exit code 1. */
public final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
