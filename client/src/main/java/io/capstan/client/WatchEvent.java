package io.capstan.client;

import java.util.function.Function;

/**
 * One change seen by a watch.
 *
 * @param type what happened
 * @param object the new state; for DELETED the last state, with the deletion's resourceVersion;
 *     for BOOKMARK an object of the kind with only metadata.resourceVersion set
 * @param resourceVersion the object's metadata.resourceVersion: events arrive in its order
 * @param initialEventsEnd on the BOOKMARK that ends the initial events of {@link
 *     WatchOptions#sendInitialEvents()}
 */
public record WatchEvent<T>(Type type, T object, String resourceVersion, boolean initialEventsEnd) {

    public enum Type {
        ADDED,
        MODIFIED,
        DELETED,
        /** Every change up to resourceVersion has been sent: resume a watch from it. */
        BOOKMARK
    }

    public <R> WatchEvent<R> map(Function<T, R> function) {
        return new WatchEvent<>(type, function.apply(object), resourceVersion, initialEventsEnd);
    }
}
