package io.capstan.store.watch;

import com.google.protobuf.ByteString;
import java.util.EnumSet;
import java.util.Set;

/**
 * What one watcher wants: the keys {@code [key, rangeEnd)} with etcd's range rules (empty {@code rangeEnd} = {@code
 * key} alone, a single {@code \0} byte = every key {@code >= key}), the first revision to report ({@code <= 0} = from
 * now, meaning the revision after the current one), whether events keep {@code prev_kv}, which event types to
 * drop, and whether the watcher wants periodic progress notifications.
 *
 * <p>{@code watchId} is {@link #AUTO_WATCH_ID} to let the stream pick the lowest free id, as etcd does.
 */
public record WatchRequest(
        long watchId,
        ByteString key,
        ByteString rangeEnd,
        long startRevision,
        boolean prevKv,
        Set<WatchFilter> filters,
        boolean progressNotify) {

    public static final long AUTO_WATCH_ID = 0;

    private static final ByteString ALL_FROM_KEY = ByteString.copyFrom(new byte[] {0});

    public WatchRequest {
        filters = filters.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(filters));
    }

    /** A watch of one key from now, without prev_kv, filters or progress notifications. */
    public static WatchRequest key(ByteString key) {
        return new WatchRequest(AUTO_WATCH_ID, key, ByteString.EMPTY, 0, false, Set.of(), false);
    }

    /** A watch of {@code [key, rangeEnd)} from now. */
    public static WatchRequest range(ByteString key, ByteString rangeEnd) {
        return new WatchRequest(AUTO_WATCH_ID, key, rangeEnd, 0, false, Set.of(), false);
    }

    /** A watch of every key starting with {@code prefix} (an empty prefix watches everything), from now. */
    public static WatchRequest prefix(ByteString prefix) {
        return range(prefix, prefixEnd(prefix));
    }

    public WatchRequest withWatchId(long id) {
        return new WatchRequest(id, key, rangeEnd, startRevision, prevKv, filters, progressNotify);
    }

    public WatchRequest fromRevision(long revision) {
        return new WatchRequest(watchId, key, rangeEnd, revision, prevKv, filters, progressNotify);
    }

    public WatchRequest withPrevKv() {
        return new WatchRequest(watchId, key, rangeEnd, startRevision, true, filters, progressNotify);
    }

    public WatchRequest withFilters(Set<WatchFilter> newFilters) {
        return new WatchRequest(watchId, key, rangeEnd, startRevision, prevKv, newFilters, progressNotify);
    }

    public WatchRequest withProgressNotify() {
        return new WatchRequest(watchId, key, rangeEnd, startRevision, prevKv, filters, true);
    }

    /**
     * The smallest key greater than every key with this prefix, as etcd's {@code GetPrefixRangeEnd}: the prefix with
     * trailing {@code 0xff} bytes dropped and the last byte incremented; {@code \0} (all keys) when none is left.
     */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ALL_FROM_KEY;
    }
}
