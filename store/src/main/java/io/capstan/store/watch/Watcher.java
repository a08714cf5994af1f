package io.capstan.store.watch;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One watcher of a {@link WatchStream}. Its position is {@code nextRevision}: the lowest revision it may still need.
 * A live event below it is dropped, and catching up from history starts at it.
 *
 * <p>Worked example: a watcher created with start revision 5 while the hub has processed up to revision 8 starts
 * {@link State#UNSYNCED} with next 5. Meanwhile notifications for 9 and 10 are queued. The hub reads history [5, 8],
 * offers it, sets next to 9 and moves the watcher to {@link State#SYNCED}; then it processes 9 and 10 live. Had the
 * watcher been synced with next 11 (created "from now" at revision 10), the queued 9 and 10 would be dropped.
 */
final class Watcher {

    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    enum State {
        /** Created by the stream, not yet seen by the hub thread. */
        PENDING,
        SYNCED,
        UNSYNCED,
        VICTIM,
        REMOVED
    }

    final WatchStream stream;
    final long id;
    final ByteString key;
    final ByteString rangeEnd;
    final boolean prevKv;
    final boolean noPut;
    final boolean noDelete;
    final boolean progressNotify;

    // The next fields are confined to the hub thread, except state, which the stream reads only from that thread too.
    long nextRevision;
    State state = State.PENDING;
    /** Whether events were sent since the last periodic progress tick. */
    boolean hadEvents;

    // guarded by this; set once. The hub offers batches while holding this monitor, so after cancel() returns
    // nothing more reaches the sink for this watcher.
    private boolean cancelled;

    Watcher(WatchStream stream, long id, WatchRequest request, long nextRevision) {
        this.stream = stream;
        this.id = id;
        this.key = request.key();
        this.rangeEnd = request.rangeEnd();
        this.prevKv = request.prevKv();
        this.noPut = request.filters().contains(WatchFilter.NOPUT);
        this.noDelete = request.filters().contains(WatchFilter.NODELETE);
        this.progressNotify = request.progressNotify();
        this.nextRevision = nextRevision;
    }

    synchronized void cancel() {
        cancelled = true;
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    boolean isSingleKey() {
        return rangeEnd.isEmpty();
    }

    /** etcd's range rules: empty end = the key alone; end "\0" = every key from {@code key} on. */
    boolean matches(ByteString candidate) {
        if (rangeEnd.isEmpty()) {
            return key.equals(candidate);
        }
        if (KEY_ORDER.compare(candidate, key) < 0) {
            return false;
        }
        return isAllFromKey() || KEY_ORDER.compare(candidate, rangeEnd) < 0;
    }

    private boolean isAllFromKey() {
        return rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0;
    }

    /** Applies filters and the prev_kv choice; the events are assumed to match the key range already. */
    List<Event> select(List<Event> events) {
        List<Event> selected = new ArrayList<>(events.size());
        for (Event event : events) {
            boolean isPut = event.getType() == Event.EventType.PUT;
            if ((isPut && noPut) || (!isPut && noDelete)) {
                continue;
            }
            selected.add(
                    !prevKv && event.hasPrevKv()
                            ? event.toBuilder().clearPrevKv().build()
                            : event);
        }
        return selected;
    }

    static long revisionOf(Event event) {
        return event.getKv().getModRevision();
    }

    @Override
    public String toString() {
        return "Watcher{id=" + id + ", key=" + key.toStringUtf8() + ", next=" + nextRevision + ", " + state + "}";
    }
}
