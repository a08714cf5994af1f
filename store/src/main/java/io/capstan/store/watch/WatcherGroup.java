package io.capstan.store.watch;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The synced watchers, indexed for matching one event key: single-key watchers by key, range watchers in a list that
 * is scanned (etcd uses an interval tree; a linear scan is enough for the range watchers of a watch cache). Confined
 * to the hub thread.
 */
final class WatcherGroup {
    private final Map<ByteString, Set<Watcher>> byKey = new HashMap<>();
    private final Set<Watcher> ranges = new LinkedHashSet<>();
    private int size;

    void add(Watcher watcher) {
        boolean added = watcher.isSingleKey()
                ? byKey.computeIfAbsent(watcher.key, k -> new LinkedHashSet<>()).add(watcher)
                : ranges.add(watcher);
        if (added) {
            size++;
        }
    }

    void remove(Watcher watcher) {
        boolean removed;
        if (watcher.isSingleKey()) {
            Set<Watcher> watchers = byKey.get(watcher.key);
            removed = watchers != null && watchers.remove(watcher);
            if (watchers != null && watchers.isEmpty()) {
                byKey.remove(watcher.key);
            }
        } else {
            removed = ranges.remove(watcher);
        }
        if (removed) {
            size--;
        }
    }

    void forEachMatching(ByteString key, Consumer<Watcher> action) {
        Set<Watcher> exact = byKey.get(key);
        if (exact != null) {
            exact.forEach(action);
        }
        for (Watcher watcher : ranges) {
            if (watcher.matches(key)) {
                action.accept(watcher);
            }
        }
    }

    List<Watcher> all() {
        List<Watcher> all = new ArrayList<>(size);
        byKey.values().forEach(all::addAll);
        all.addAll(ranges);
        return all;
    }

    int size() {
        return size;
    }
}
