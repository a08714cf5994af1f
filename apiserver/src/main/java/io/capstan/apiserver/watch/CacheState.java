package io.capstan.apiserver.watch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link WatchCache} holds of its kind: the current objects by store key, and the window of
 * the last {@code windowCapacity} changes that led to them, in revision order. Every change after
 * {@link #windowStart()} is in the window; a list starts both afresh.
 *
 * <p>Not thread-safe: the cache guards it with its lock, and nothing here blocks or calls out.
 */
final class CacheState {
    private final KindCodec codec;
    private final int windowCapacity;
    private final TreeMap<String, CachedObject> objects = new TreeMap<>();
    private final ArrayDeque<CacheEvent> window = new ArrayDeque<>();
    private long windowStart;

    /** One decoded store event; {@code object} is null for a delete or a value that did not decode. */
    record Change(
            String key,
            long revision,
            boolean delete,
            @Nullable CachedObject object) {}

    CacheState(KindCodec codec, int windowCapacity) {
        this.codec = codec;
        this.windowCapacity = windowCapacity;
    }

    /** Replaces everything with a list taken at {@code listRevision}; the window starts empty there. */
    void reset(List<CachedObject> listed, long listRevision) {
        objects.clear();
        for (CachedObject object : listed) {
            objects.put(object.key(), object);
        }
        window.clear();
        windowStart = listRevision;
    }

    /**
     * Applies {@code change} to the objects and appends it to the window, dropping the oldest change
     * if the window is full. Returns the cache event, or null if nothing changed.
     */
    @Nullable
    CacheEvent apply(Change change) {
        CacheEvent applied = applyToObjects(change);
        if (applied == null) {
            return null;
        }
        window.addLast(applied);
        if (window.size() > windowCapacity) {
            windowStart = Math.max(windowStart, window.removeFirst().revision());
        }
        return applied;
    }

    private @Nullable CacheEvent applyToObjects(Change change) {
        if (change.delete()) {
            CachedObject previous = objects.remove(change.key());
            if (previous == null) {
                return null; // a key we never had (its value did not decode)
            }
            return CacheEvent.deleted(
                    change.revision(), codec.withResourceVersion(previous, change.revision()), previous);
        }
        CachedObject object = change.object();
        if (object == null) {
            return null;
        }
        return CacheEvent.written(change.revision(), object, objects.put(change.key(), object));
    }

    /** The window's changes after {@code resourceVersion}, oldest first; complete if it is at least {@link #windowStart()}. */
    List<CacheEvent> changesAfter(long resourceVersion) {
        List<CacheEvent> changes = new ArrayList<>();
        for (Iterator<CacheEvent> it = window.descendingIterator(); it.hasNext(); ) {
            CacheEvent change = it.next();
            if (change.revision() <= resourceVersion) {
                break;
            }
            changes.add(change);
        }
        Collections.reverse(changes);
        return changes;
    }

    /** The objects in {@code namespace} (all of them for ""), in key order; a view, to be read under the cache's lock. */
    SortedMap<String, CachedObject> inNamespace(String namespace) {
        if (namespace.isEmpty()) {
            return objects;
        }
        String prefix = codec.prefix(namespace);
        // every namespace prefix ends in '/', and '0' is the character after it
        return objects.subMap(prefix, prefix.substring(0, prefix.length() - 1) + '0');
    }

    /** The initial events of {@code send_initial_events}: each object in {@code namespace}, at {@code revision}. */
    List<CacheEvent> initialEvents(String namespace, long revision) {
        List<CacheEvent> initial = new ArrayList<>();
        for (CachedObject object : inNamespace(namespace).values()) {
            initial.add(CacheEvent.initial(revision, object));
        }
        return initial;
    }

    @Nullable
    CachedObject get(String key) {
        return objects.get(key);
    }

    int objectCount() {
        return objects.size();
    }

    int windowSize() {
        return window.size();
    }

    /** The revision the window starts after: the list's, or the last change dropped from the window. */
    long windowStart() {
        return windowStart;
    }
}
