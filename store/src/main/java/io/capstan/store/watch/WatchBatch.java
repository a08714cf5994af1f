package io.capstan.store.watch;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.List;

/**
 * One message from the hub to a stream's {@link WatchSink}; maps onto one etcd {@code WatchResponse}.
 *
 * <ul>
 *   <li>{@link Kind#EVENTS}: {@code events} of one or more whole revisions, in revision order. {@code revision} is
 *       the header revision to report: the revision of the last event.
 *   <li>{@link Kind#PROGRESS}: no events; {@code revision} promises that every later event of the watcher is above
 *       it. {@code watchId} is {@link #ALL_WATCHERS} for an answer to {@link WatchStream#requestProgress()}.
 *   <li>{@link Kind#COMPACTED}: the watcher needs a revision that was compacted; it is cancelled and {@code
 *       compactRevision} says where history now starts (etcd's {@code compact_revision} with {@code canceled}).
 *       {@code revision} is the hub's current revision.
 * </ul>
 */
public record WatchBatch(Kind kind, long watchId, long revision, List<Event> events, long compactRevision) {

    /** The watch id of a progress answer for a whole stream (etcd's {@code -1}). */
    public static final long ALL_WATCHERS = -1;

    public enum Kind {
        EVENTS,
        PROGRESS,
        COMPACTED
    }

    public WatchBatch {
        events = List.copyOf(events);
    }

    public static WatchBatch events(long watchId, long revision, List<Event> events) {
        return new WatchBatch(Kind.EVENTS, watchId, revision, events, 0);
    }

    public static WatchBatch progress(long watchId, long revision) {
        return new WatchBatch(Kind.PROGRESS, watchId, revision, List.of(), 0);
    }

    public static WatchBatch compacted(long watchId, long revision, long compactRevision) {
        return new WatchBatch(Kind.COMPACTED, watchId, revision, List.of(), compactRevision);
    }
}
