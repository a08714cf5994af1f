package io.capstan.client;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, or a whole list.
 *
 * @param items in key order (namespace, then name)
 * @param resourceVersion the revision the list is consistent at; a watch from it misses and repeats
 *     nothing
 * @param continueToken non-empty if more items may remain: pass it in the next {@link ListOptions}
 */
public record ObjectList<T>(List<T> items, String resourceVersion, String continueToken) {

    public ObjectList {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return !continueToken.isEmpty();
    }

    public <R> ObjectList<R> map(Function<T, R> function) {
        return new ObjectList<>(items.stream().map(function).toList(), resourceVersion, continueToken);
    }
}
