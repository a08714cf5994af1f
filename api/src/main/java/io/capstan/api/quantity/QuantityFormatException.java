package io.capstan.api.quantity;

/** A string that is not a Kubernetes quantity; the message quotes the input and says what is wrong. */
public final class QuantityFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String input;
    private final String reason;

    QuantityFormatException(String input, String reason) {
        super("invalid quantity \"" + input + "\": " + reason);
        this.input = input;
        this.reason = reason;
    }

    /** {@code invalid quantity "<input>": <reason>}. */
    @Override
    public String getMessage() {
        return "invalid quantity \"" + input + "\": " + reason;
    }

    /** What is wrong, without the input, e.g. {@code empty}. */
    public String reason() {
        return reason;
    }

    /** The string that failed to parse. */
    public String input() {
        return input;
    }
}
