package io.capstan.client;

import java.util.function.Function;

/** The answer to an apply: the object as stored, and whether the apply created it. */
public record Applied<T>(T object, boolean created) {
    public <R> Applied<R> map(Function<T, R> function) {
        return new Applied<>(function.apply(object), created);
    }
}
