package io.capstan.store.mvcc;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The multi-version keyspace, with etcd v3's revision semantics.
 *
 * <p><b>Revisions.</b> A fresh store is at revision 1. Every write transaction that changes
 * something takes the next revision; its changes share that main revision and are ordered by sub
 * revision. A transaction that changes nothing leaves the revision alone.
 *
 * <p><b>Threads.</b> One writer (the apply thread) calls {@link #write()}, {@link #compact(long)}
 * and {@link #snapshot()}. Any number of threads may read concurrently through {@link
 * #read(long)}, {@link #events}, {@link #hash(long)} and streams of an {@link MvccSnapshot}; a
 * reader never sees a half-applied transaction because the revision is published after the
 * transaction's writes. One other thread may call {@link #compactPhysically()}. Nothing here
 * blocks the writer for longer than a map update.
 *
 * <p><b>Compaction</b> is in two parts, as in etcd. {@link #compact(long)} is logical and O(1):
 * reads below the compact revision fail from then on. {@link #compactPhysically()} later removes
 * what no read at or above the compact revision can see (see {@link KeyIndex}), except what an
 * open {@link MvccSnapshot} still has to stream.
 *
 * <p><b>Size.</b> {@link #sizeBytes()} is the sum over stored records of key bytes, value bytes and
 * {@link #RECORD_OVERHEAD_BYTES}; it grows with every write and shrinks with physical compaction.
 */
public final class MvccStore {
    /**
     * Fixed bytes accounted per stored record on top of its key and value: the history map entry,
     * the revision, the key index slot and the KeyValue's numeric fields, roughly.
     */
    public static final long RECORD_OVERHEAD_BYTES = 64;

    static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();
    private static final ByteString ALL_FROM = ByteString.copyFrom(new byte[] {0});

    private final ConcurrentSkipListMap<ByteString, KeyIndex> index = new ConcurrentSkipListMap<>(KEY_ORDER);
    private final ConcurrentSkipListMap<Revision, HistoryRecord> history = new ConcurrentSkipListMap<>();
    private final AtomicLong sizeBytes = new AtomicLong();

    // written only by the apply thread, after the writes they publish
    private volatile long currentRevision = 1;
    private volatile long compactRevision = 0;

    // apply thread only
    private @Nullable WriteTxn openTxn;

    private final Object snapshotsLock = new Object();
    // guarded by snapshotsLock: compact revision of each open snapshot -> how many are open
    private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();

    private final Object compactorLock = new Object();
    // guarded by compactorLock
    private long physicalCompactRevision = 0;

    public MvccStore() {}

    /**
     * Rebuilds a store from a snapshot's {@code records}, which must be in strictly increasing
     * revision order and no newer than {@code revision}.
     *
     * @throws IllegalStateException if the records break that order
     */
    public static MvccStore restore(long revision, long compactRevision, Iterator<HistoryRecord> records) {
        if (revision < 1 || compactRevision < 0 || compactRevision > revision) {
            throw new IllegalStateException(
                    String.format("bad snapshot revisions: revision %d, compact %d", revision, compactRevision));
        }
        MvccStore store = new MvccStore();
        @Nullable Revision last = null;
        while (records.hasNext()) {
            HistoryRecord record = records.next();
            Revision rev = record.revision();
            if ((last != null && rev.compareTo(last) <= 0) || rev.main() > revision) {
                throw new IllegalStateException(
                        String.format("snapshot record %s out of order after %s (revision %d)", rev, last, revision));
            }
            store.append(record);
            last = rev;
        }
        store.compactRevision = compactRevision;
        store.currentRevision = revision;
        return store;
    }

    public long currentRevision() {
        return currentRevision;
    }

    public long compactRevision() {
        return compactRevision;
    }

    /** Accounted size of the stored records in bytes; see the class comment. */
    public long sizeBytes() {
        return sizeBytes.get();
    }

    /**
     * A view at {@code revision}, or at the current revision if {@code revision <= 0}.
     *
     * @throws CompactedException if {@code revision} is below the compact revision
     * @throws FutureRevisionException if {@code revision} is above the current revision
     */
    public ReadView read(long revision) {
        long current = currentRevision;
        long compacted = compactRevision;
        if (revision <= 0) {
            return new ReadView(this, current);
        }
        if (revision > current) {
            throw new FutureRevisionException(revision, current);
        }
        if (revision < compacted) {
            throw new CompactedException(revision, compacted);
        }
        return new ReadView(this, revision);
    }

    /**
     * Opens the write transaction; apply thread only, one at a time.
     *
     * @throws IllegalStateException if a transaction is already open
     */
    public WriteTxn write() {
        if (openTxn != null) {
            throw new IllegalStateException("a write transaction is already open");
        }
        WriteTxn txn = new WriteTxn(this, currentRevision);
        openTxn = txn;
        return txn;
    }

    /**
     * Logical compaction (apply thread, O(1)): reads below {@code revision} fail from now on.
     *
     * @throws CompactedException if {@code revision} is not above the current compact revision
     * @throws FutureRevisionException if {@code revision} is above the current revision
     */
    public void compact(long revision) {
        if (revision <= compactRevision) {
            throw new CompactedException(revision, compactRevision);
        }
        if (revision > currentRevision) {
            throw new FutureRevisionException(revision, currentRevision);
        }
        compactRevision = revision;
    }

    /**
     * Physically removes what compaction made unreachable. Runs on a thread of the caller's
     * choosing, never the apply thread, and is safe beside the writer, readers and snapshot
     * streams: it stops at the oldest compact revision an open {@link MvccSnapshot} was taken at.
     *
     * @return the number of records removed
     */
    public long compactPhysically() {
        synchronized (compactorLock) {
            long bound;
            synchronized (snapshotsLock) {
                bound = compactRevision;
                if (!openSnapshots.isEmpty()) {
                    bound = Math.min(bound, openSnapshots.firstKey());
                }
            }
            if (bound <= physicalCompactRevision) {
                return 0;
            }
            long removed = 0;
            for (ByteString key : index.keySet()) {
                removed += compactKey(key, bound);
            }
            physicalCompactRevision = bound;
            return removed;
        }
    }

    private long compactKey(ByteString key, long bound) {
        while (true) {
            KeyIndex keyIndex = index.get(key);
            if (keyIndex == null) {
                return 0;
            }
            int dropped = keyIndex.droppedBy(bound);
            if (dropped == 0) {
                return 0;
            }
            KeyIndex rest = keyIndex.withoutFirst(dropped);
            // compare-and-set against the writer, which may append to this key meanwhile
            boolean swapped = rest == null ? index.remove(key, keyIndex) : index.replace(key, keyIndex, rest);
            if (!swapped) {
                continue;
            }
            long removed = 0;
            for (int i = 0; i < dropped; i++) {
                HistoryRecord record = history.remove(keyIndex.revision(i));
                if (record != null) {
                    sizeBytes.addAndGet(-record.sizeBytes());
                    removed++;
                }
            }
            return removed;
        }
    }

    /**
     * The changes to keys in {@code [key, rangeEnd)} with main revisions in {@code [fromRevision,
     * toRevision]} (capped at the current revision), in revision order, at most {@code limit} of
     * them ({@code limit <= 0}: all). Each event's {@code prev_kv} is the key's state just before
     * it, when that state is a live key still in history. The events of one revision are never
     * split: the limit is checked only between revisions.
     *
     * @throws CompactedException if {@code fromRevision} is below the compact revision (etcd
     *     allows starting exactly at it)
     */
    public List<Event> events(ByteString key, ByteString rangeEnd, long fromRevision, long toRevision, int limit) {
        long compacted = compactRevision;
        if (fromRevision < compacted) {
            throw new CompactedException(fromRevision, compacted);
        }
        long to = Math.min(toRevision, currentRevision);
        List<Event> events = new ArrayList<>();
        if (fromRevision > to) {
            return events;
        }
        Collection<HistoryRecord> candidates;
        if (rangeEnd.isEmpty()) {
            candidates = new ArrayList<>();
            KeyIndex keyIndex = index.get(key);
            if (keyIndex != null) {
                for (int i = 0; i < keyIndex.size(); i++) {
                    Revision rev = keyIndex.revision(i);
                    if (rev.main() >= fromRevision && rev.main() <= to) {
                        HistoryRecord record = history.get(rev);
                        if (record != null) {
                            candidates.add(record);
                        }
                    }
                }
            }
        } else {
            candidates = history.subMap(new Revision(fromRevision, 0), true, new Revision(to, Long.MAX_VALUE), true)
                    .values();
        }
        long lastMain = -1;
        for (HistoryRecord record : candidates) {
            // Never split one revision: a watcher resumes after the last revision it was given.
            if (limit > 0 && events.size() >= limit && record.revision().main() != lastMain) {
                break;
            }
            if (!isInRange(record.kv().getKey(), key, rangeEnd)) {
                continue;
            }
            if (record.revision().main() <= compacted && !isKeptAt(record, compacted)) {
                // not yet removed physically on this peer, but gone on others: hide it
                continue;
            }
            Event.Builder event = Event.newBuilder()
                    .setType(record.isTombstone() ? Event.EventType.DELETE : Event.EventType.PUT)
                    .setKv(record.kv());
            KeyValue prev = liveBefore(record.kv().getKey(), record.revision());
            if (prev != null) {
                event.setPrevKv(prev);
            }
            events.add(event.build());
            lastMain = record.revision().main();
        }
        if (fromRevision < compactRevision) {
            // compaction overtook this replay: part of it may be missing
            throw new CompactedException(fromRevision, compactRevision);
        }
        return events;
    }

    /**
     * Hash of the history visible from the compact revision up to {@code revision} ({@code <= 0}:
     * the current revision).
     *
     * @throws CompactedException if {@code revision} is below the compact revision
     * @throws FutureRevisionException if {@code revision} is above the current revision
     */
    public KvHash hash(long revision) {
        long at = read(revision).revision();
        long compacted = compactRevision;
        CRC32 crc = new CRC32();
        ByteBuffer revisionBytes = ByteBuffer.allocate(17);
        Iterator<HistoryRecord> records = keptRecords(at, compacted);
        while (records.hasNext()) {
            HistoryRecord record = records.next();
            revisionBytes.clear();
            revisionBytes
                    .putLong(record.revision().main())
                    .putLong(record.revision().sub())
                    .put((byte) (record.isTombstone() ? 1 : 0));
            crc.update(revisionBytes.array(), 0, 17);
            crc.update(record.kv().toByteArray());
        }
        if (compacted != compactRevision) {
            throw new CompactedException(at, compactRevision);
        }
        return new KvHash((int) crc.getValue(), at, compacted);
    }

    /**
     * Captures the store at its current revision for streaming by another thread (apply thread,
     * O(1)). Physical compaction leaves what the snapshot needs in place until it is closed.
     */
    public MvccSnapshot snapshot() {
        if (openTxn != null) {
            throw new IllegalStateException("snapshot taken inside a write transaction");
        }
        synchronized (snapshotsLock) {
            long compacted = compactRevision;
            openSnapshots.merge(compacted, 1, Integer::sum);
            return new MvccSnapshot(this, currentRevision, compacted);
        }
    }

    void release(MvccSnapshot snapshot) {
        synchronized (snapshotsLock) {
            openSnapshots.computeIfPresent(snapshot.compactRevision(), (c, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * The records up to {@code upTo} that a store compacted at {@code compactRevision} holds: every
     * record after it, and each key's newest put at or before it. Independent of how far physical
     * compaction has gone, as long as it has not passed {@code compactRevision}.
     */
    Iterator<HistoryRecord> keptRecords(long upTo, long compactRevision) {
        Iterator<HistoryRecord> all = history.headMap(new Revision(upTo, Long.MAX_VALUE), true)
                .values()
                .iterator();
        return new Iterator<>() {
            private @Nullable HistoryRecord next = advance();

            private @Nullable HistoryRecord advance() {
                while (all.hasNext()) {
                    HistoryRecord record = all.next();
                    if (record.revision().main() > compactRevision || isKeptAt(record, compactRevision)) {
                        return record;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public HistoryRecord next() {
                HistoryRecord current = next;
                if (current == null) {
                    throw new NoSuchElementException();
                }
                next = advance();
                return current;
            }
        };
    }

    private boolean isKeptAt(HistoryRecord record, long compactRevision) {
        KeyIndex keyIndex = index.get(record.kv().getKey());
        if (keyIndex == null) {
            return false;
        }
        int i = keyIndex.floorIndex(record.revision());
        return i >= 0 && keyIndex.revision(i).equals(record.revision()) && keyIndex.isKeptAt(i, compactRevision);
    }

    // ---- used by ReadView and WriteTxn ----

    List<KeyValue> rangeAt(ByteString key, ByteString rangeEnd, long revision) {
        List<KeyValue> kvs = new ArrayList<>();
        for (KeyIndex keyIndex : keysIn(key, rangeEnd)) {
            KeyValue kv = kvAt(keyIndex, revision);
            if (kv != null) {
                kvs.add(kv);
            }
        }
        return kvs;
    }

    @Nullable
    KeyValue kvAt(@Nullable KeyIndex keyIndex, long revision) {
        if (keyIndex == null) {
            return null;
        }
        Revision rev = keyIndex.visibleAt(revision);
        if (rev == null) {
            return null;
        }
        HistoryRecord record = history.get(rev);
        if (record == null) {
            throw new CompactedException(revision, compactRevision);
        }
        return record.kv();
    }

    @Nullable
    KeyIndex keyIndex(ByteString key) {
        return index.get(key);
    }

    Collection<KeyIndex> keysIn(ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            KeyIndex keyIndex = index.get(key);
            return keyIndex == null ? List.of() : List.of(keyIndex);
        }
        if (rangeEnd.equals(ALL_FROM)) {
            return index.tailMap(key, true).values();
        }
        if (KEY_ORDER.compare(key, rangeEnd) >= 0) {
            return List.of();
        }
        return index.subMap(key, true, rangeEnd, false).values();
    }

    static boolean isInRange(ByteString candidate, ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return candidate.equals(key);
        }
        if (KEY_ORDER.compare(candidate, key) < 0) {
            return false;
        }
        return rangeEnd.equals(ALL_FROM) || KEY_ORDER.compare(candidate, rangeEnd) < 0;
    }

    /** The key's live state just before {@code revision}, if still in history. */
    private @Nullable KeyValue liveBefore(ByteString key, Revision revision) {
        KeyIndex keyIndex = index.get(key);
        if (keyIndex == null) {
            return null;
        }
        Revision before = revision.sub() > 0
                ? new Revision(revision.main(), revision.sub() - 1)
                : new Revision(revision.main() - 1, Long.MAX_VALUE);
        int i = keyIndex.floorIndex(before);
        if (i < 0 || keyIndex.isTombstone(i)) {
            return null;
        }
        HistoryRecord record = history.get(keyIndex.revision(i));
        return record == null ? null : record.kv();
    }

    /** Stores one record and indexes it; the writer (or restore) only. */
    void append(HistoryRecord record) {
        history.put(record.revision(), record);
        index.compute(
                record.kv().getKey(),
                (k, old) -> old == null
                        ? KeyIndex.of(k, record.revision(), record.isTombstone())
                        : old.append(record.revision(), record.isTombstone()));
        sizeBytes.addAndGet(record.sizeBytes());
    }

    void publish(WriteTxn txn, long revision) {
        if (openTxn != txn) {
            throw new IllegalStateException("ending a write transaction that is not open");
        }
        if (revision < currentRevision) {
            throw new IllegalStateException(
                    String.format("revision would go back from %d to %d", currentRevision, revision));
        }
        openTxn = null;
        currentRevision = revision;
    }
}
