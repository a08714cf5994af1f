package io.capstan.client;

import java.util.function.Function;

/**
 * The answer to a delete.
 *
 * @param object the object's last state: as removed, or as now stored with deletionTimestamp set
 * @param removed true if it is gone; false if it stays until its finalizers are removed or its
 *     grace period ends (a DELETED watch event follows then)
 */
public record Deleted<T>(T object, boolean removed) {
    public <R> Deleted<R> map(Function<T, R> function) {
        return new Deleted<>(function.apply(object), removed);
    }
}
