package io.capstan.apiserver.watch;

import io.capstan.proto.api.v1.WatchEvent;
import org.jspecify.annotations.Nullable;

/**
 * One change of one object, as the cache's window keeps it and every watcher reads it. Each
 * watcher decides from {@code object} and {@code previous} what the change means through its own
 * filter (see {@link #toWatchEvent}), so that an object entering or leaving a selection arrives as
 * ADDED or DELETED. The {@link WatchEvent}s are built once per type and shared by every watcher.
 *
 * <pre>
 *   write:  object = new state,                      previous = state before (null if created)
 *   delete: object = last state with resourceVersion = revision of the delete, previous = last state
 * </pre>
 *
 * <p>Immutable; the lazily built events are published through volatile fields (a race builds an
 * equal event twice, which is harmless).
 */
final class CacheEvent {
    private final long revision;
    private final CachedObject object;
    private final @Nullable CachedObject previous;
    private final boolean deleted;
    private volatile @Nullable WatchEvent added;
    private volatile @Nullable WatchEvent modified;
    private volatile @Nullable WatchEvent removed;

    private CacheEvent(long revision, CachedObject object, @Nullable CachedObject previous, boolean deleted) {
        this.revision = revision;
        this.object = object;
        this.previous = previous;
        this.deleted = deleted;
    }

    static CacheEvent written(long revision, CachedObject object, @Nullable CachedObject previous) {
        return new CacheEvent(revision, object, previous, false);
    }

    static CacheEvent deleted(long revision, CachedObject lastState, CachedObject previous) {
        return new CacheEvent(revision, lastState, previous, true);
    }

    /** An initial event of {@code send_initial_events}: the object as it is, arriving as ADDED if it matches. */
    static CacheEvent initial(long revision, CachedObject object) {
        return new CacheEvent(revision, object, null, false);
    }

    long revision() {
        return revision;
    }

    CachedObject object() {
        return object;
    }

    /**
     * What a watcher with {@code filter} is sent for this change, or null if nothing: ADDED when the
     * object starts matching (or is created matching), MODIFIED when it matched before and after,
     * DELETED when it is deleted or stops matching.
     */
    @Nullable
    WatchEvent toWatchEvent(ObjectFilter filter) {
        CachedObject before = previous;
        boolean matchedBefore = before != null && filter.matches(before);
        if (deleted) {
            return matchedBefore ? removedEvent() : null;
        }
        boolean matchesNow = filter.matches(object);
        if (matchesNow) {
            return matchedBefore ? modifiedEvent() : addedEvent();
        }
        return matchedBefore ? removedEvent() : null;
    }

    private WatchEvent addedEvent() {
        WatchEvent event = added;
        if (event == null) {
            event = build(WatchEvent.Type.TYPE_ADDED);
            added = event;
        }
        return event;
    }

    private WatchEvent modifiedEvent() {
        WatchEvent event = modified;
        if (event == null) {
            event = build(WatchEvent.Type.TYPE_MODIFIED);
            modified = event;
        }
        return event;
    }

    private WatchEvent removedEvent() {
        WatchEvent event = removed;
        if (event == null) {
            event = build(WatchEvent.Type.TYPE_DELETED);
            removed = event;
        }
        return event;
    }

    private WatchEvent build(WatchEvent.Type type) {
        return WatchEvent.newBuilder().setType(type).setObject(object.object()).build();
    }

    @Override
    public String toString() {
        return (deleted ? "DELETE " : "PUT ") + object.key() + "@" + revision;
    }
}
