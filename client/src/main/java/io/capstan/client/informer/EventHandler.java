package io.capstan.client.informer;

/**
 * Told of changes to an informer's cache, on the informer's thread, one call at a time and in
 * the order the changes happened. Handlers must return promptly: map the change to work-queue keys
 * and leave (client-go's "process each notification promptly"). An exception is logged and the
 * next handler and change proceed. The objects are immutable and shared with the cache.
 */
public interface EventHandler<T> {

    /** {@code object} entered the cache: created, started matching, or seen in the first list. */
    default void onAdd(T object) {}

    /**
     * {@code oldObject} was replaced by {@code newObject}. On a periodic resync both are the same
     * cached object.
     */
    default void onUpdate(T oldObject, T newObject) {}

    /** {@code object} left the cache: its last known state. */
    default void onDelete(T object) {}
}
