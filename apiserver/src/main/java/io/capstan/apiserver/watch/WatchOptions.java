package io.capstan.apiserver.watch;

/**
 * What one watcher asks of a {@link WatchCache}.
 *
 * @param filter which objects it sees
 * @param resourceVersion 0: changes after the cache's current revision ("now"; the cache may trail
 *     the store by a moment, so a change made just before can still arrive, but none after is
 *     missed). Otherwise every change after this revision (exclusive): from the cache's window if
 *     the cache has reached it, after waiting for the cache to reach it if not.
 * @param sendInitialEvents first an ADDED event for every matching object at the cache's revision
 *     (at least {@code resourceVersion}), then a bookmark with {@code initial_events_end}, then the
 *     changes after that revision; requires {@code allowBookmarks}
 * @param allowBookmarks whether the watcher gets periodic bookmarks
 */
public record WatchOptions(
        ObjectFilter filter, long resourceVersion, boolean sendInitialEvents, boolean allowBookmarks) {

    public WatchOptions {
        if (resourceVersion < 0) {
            throw new IllegalArgumentException("resourceVersion: must be >= 0, got " + resourceVersion);
        }
        if (sendInitialEvents && !allowBookmarks) {
            throw new IllegalArgumentException("sendInitialEvents: requires allowBookmarks");
        }
    }

    /** Changes from now on, with bookmarks. */
    public static WatchOptions fromNow(ObjectFilter filter) {
        return new WatchOptions(filter, 0, false, true);
    }

    /** Changes after {@code resourceVersion}, with bookmarks. */
    public static WatchOptions after(ObjectFilter filter, long resourceVersion) {
        return new WatchOptions(filter, resourceVersion, false, true);
    }
}
