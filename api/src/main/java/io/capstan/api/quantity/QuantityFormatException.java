package io.capstan.api.quantity;

/** A string that is not a Kubernetes quantity; the message quotes the input and says what is wrong. */
public final class QuantityFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String input;

    QuantityFormatException(String input, String reason) {
        super("invalid quantity \"" + input + "\": " + reason);
        this.input = input;
    }

    /** The string that failed to parse. */
    public String input() {
        return input;
    }
}
