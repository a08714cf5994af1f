package io.capstan.store.mvcc;

import java.util.Iterator;

/**
 * The store as of one revision, captured in O(1) on the apply thread and streamed later by any
 * one thread while writes continue. Until {@link #close()}, physical compaction keeps every record
 * this snapshot streams. The stream is the same on every peer at the same revision: records newer
 * than the compact revision, plus each key's newest put at or before it.
 */
public final class MvccSnapshot implements AutoCloseable {
    private final MvccStore store;
    private final long revision;
    private final long compactRevision;
    private volatile boolean isClosed = false;

    MvccSnapshot(MvccStore store, long revision, long compactRevision) {
        this.store = store;
        this.revision = revision;
        this.compactRevision = compactRevision;
    }

    public long revision() {
        return revision;
    }

    public long compactRevision() {
        return compactRevision;
    }

    /** A fresh pass over the records, in revision order; may be called more than once. */
    public Iterator<HistoryRecord> records() {
        if (isClosed) {
            throw new IllegalStateException("snapshot at revision " + revision + " is closed");
        }
        return store.keptRecords(revision, compactRevision);
    }

    /** Counts the records a pass yields (one full pass). */
    public long recordCount() {
        long count = 0;
        for (Iterator<HistoryRecord> it = records(); it.hasNext(); it.next()) {
            count++;
        }
        return count;
    }

    @Override
    public synchronized void close() {
        if (!isClosed) {
            isClosed = true;
            store.release(this);
        }
    }
}
