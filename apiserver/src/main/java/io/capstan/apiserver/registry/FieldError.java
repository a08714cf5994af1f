package io.capstan.apiserver.registry;

import java.util.Objects;

/**
 * One problem with one field of an object: {@code path} in manifest spelling (lowerCamelCase
 * names, {@code [i]} list indices, {@code [key]} map keys), e.g. {@code
 * spec.template.spec.containers[0].image}, and what is wrong with it.
 */
public record FieldError(String path, String message) {
    public FieldError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}, as the API reports it. */
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
