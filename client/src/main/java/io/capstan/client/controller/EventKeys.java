package io.capstan.client.controller;

import io.capstan.client.ObjectKey;
import java.util.List;

/**
 * The work-queue keys a change to {@code object} concerns: its own key, its owner's, or those of
 * objects that select it. Must be quick and must not call the API.
 */
@FunctionalInterface
public interface EventKeys<T> {
    List<ObjectKey> keysFor(T object);
}
