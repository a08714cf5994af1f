package io.capstan.apiserver.registry;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An object failed validation. The message lists every error as {@code path: message}, joined by
 * {@code "; "}, e.g. {@code spec.replicas: must be >= 0, got -1; metadata.name: required}; the API
 * returns it as INVALID_ARGUMENT.
 */
public final class ValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // an immutable List.copyOf of records
    private final List<FieldError> errors;

    /** @throws IllegalArgumentException if {@code errors} is empty: there is nothing to report */
    public ValidationException(List<FieldError> errors) {
        super(join(errors));
        this.errors = List.copyOf(errors);
    }

    /** Throws a {@link ValidationException} carrying {@code errors} unless there are none. */
    public static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    /** The errors, in the order validation found them. */
    public List<FieldError> errors() {
        return errors;
    }

    private static String join(List<FieldError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ValidationException needs at least one error");
        }
        return errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    }
}
