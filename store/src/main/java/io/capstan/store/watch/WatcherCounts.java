package io.capstan.store.watch;

/**
 * A snapshot of the hub's watchers, for metrics and tests. {@code synced} get live events; {@code unsynced} are being
 * caught up from history (new watchers starting in the past); {@code victims} are watchers whose sink refused a batch
 * and are waiting for a retry (etcd's slow watchers). Each watcher is in exactly one of the three once the hub has
 * registered it.
 */
public record WatcherCounts(int synced, int unsynced, int victims) {

    public static final WatcherCounts NONE = new WatcherCounts(0, 0, 0);

    public int watchers() {
        return synced + unsynced + victims;
    }
}
