package io.capstan.store.watch;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory {@link History}: the test applies writes here, which records their events and then notifies the
 * attached hub, as the apply thread will. Revisions start at 1 for an empty store, so the first write is 2.
 */
final class FakeHistory implements History {

    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    /** One change inside a write txn. */
    record Op(String key, @Nullable String value) {
        static Op put(String key, String value) {
            return new Op(key, value);
        }

        static Op delete(String key) {
            return new Op(key, null);
        }
    }

    // all guarded by this
    private final List<Event> events = new ArrayList<>();
    private final Map<ByteString, KeyValue> live = new HashMap<>();
    private long currentRevision = 1;
    private long compactRevision;
    private @Nullable WatchHub hub;

    synchronized void attach(WatchHub watchHub) {
        this.hub = watchHub;
    }

    long put(String key, String value) {
        return write(Op.put(key, value));
    }

    long delete(String key) {
        return write(Op.delete(key));
    }

    /**
     * Applies the ops as one txn at the next revision and notifies the hub. A txn that changes nothing (deleting
     * missing keys) keeps the revision and notifies nobody, as in etcd. Notifying under the lock keeps the calls
     * in revision order even when a test writes from several threads.
     */
    synchronized long write(Op... ops) {
        long revision = currentRevision + 1;
        List<Event> txn = new ArrayList<>();
        for (Op op : ops) {
            ByteString key = ByteString.copyFromUtf8(op.key());
            KeyValue previous = live.get(key);
            if (op.value() != null) {
                KeyValue kv = KeyValue.newBuilder()
                        .setKey(key)
                        .setValue(ByteString.copyFromUtf8(op.value()))
                        .setCreateRevision(previous == null ? revision : previous.getCreateRevision())
                        .setModRevision(revision)
                        .setVersion(previous == null ? 1 : previous.getVersion() + 1)
                        .build();
                live.put(key, kv);
                Event.Builder event =
                        Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
                if (previous != null) {
                    event.setPrevKv(previous);
                }
                txn.add(event.build());
            } else if (previous != null) {
                live.remove(key);
                KeyValue tombstone = KeyValue.newBuilder()
                        .setKey(key)
                        .setModRevision(revision)
                        .build();
                txn.add(Event.newBuilder()
                        .setType(Event.EventType.DELETE)
                        .setKv(tombstone)
                        .setPrevKv(previous)
                        .build());
            }
        }
        if (txn.isEmpty()) {
            return currentRevision;
        }
        events.addAll(txn);
        currentRevision = revision;
        if (hub != null) {
            hub.notify(revision, txn);
        }
        return revision;
    }

    /** Applies ops the hub never hears of, as the revisions a restored snapshot jumps over; returns the revision. */
    synchronized long writeUnnoticed(Op... ops) {
        WatchHub attached = hub;
        hub = null;
        try {
            return write(ops);
        } finally {
            hub = attached;
        }
    }

    synchronized void compact(long revision) {
        compactRevision = revision;
        events.removeIf(e -> e.getKv().getModRevision() < revision);
    }

    /** Every recorded event of revision {@code >= fromRevision} matching the range; the test's expected answer. */
    synchronized List<Event> all(ByteString key, ByteString rangeEnd, long fromRevision) {
        return events.stream()
                .filter(e -> e.getKv().getModRevision() >= fromRevision)
                .filter(e -> inRange(e.getKv().getKey(), key, rangeEnd))
                .toList();
    }

    @Override
    public synchronized long currentRevision() {
        return currentRevision;
    }

    @Override
    public synchronized long compactRevision() {
        return compactRevision;
    }

    @Override
    public synchronized List<Event> events(
            ByteString key, ByteString rangeEnd, long fromRevision, long toRevision, int limit) {
        if (fromRevision < compactRevision) {
            throw new CompactedRevisionException(fromRevision, compactRevision);
        }
        List<Event> result = new ArrayList<>();
        long lastRevision = -1;
        for (Event event : events) {
            long revision = event.getKv().getModRevision();
            if (revision < fromRevision
                    || revision > toRevision
                    || !inRange(event.getKv().getKey(), key, rangeEnd)) {
                continue;
            }
            if (revision != lastRevision && result.size() >= limit) {
                break; // whole revisions only: stop once the limit is reached at a revision boundary
            }
            result.add(event);
            lastRevision = revision;
        }
        return result;
    }

    private static boolean inRange(ByteString candidate, ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return candidate.equals(key);
        }
        boolean allFromKey = rangeEnd.equals(ByteString.copyFrom(new byte[] {0}));
        return KEY_ORDER.compare(candidate, key) >= 0 && (allFromKey || KEY_ORDER.compare(candidate, rangeEnd) < 0);
    }
}
