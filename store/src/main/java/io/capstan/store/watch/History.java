package io.capstan.store.watch;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import java.util.List;

/**
 * What the watch hub needs from the MVCC store: the current and compacted revisions and the change events kept
 * since the last compaction. Implemented by the store wiring over {@code mvcc}; tests use a fake.
 *
 * <p>Thread-safety: every method may be called from the hub's thread while the apply thread writes. A call sees a
 * consistent view: a revision either appears with all of its events or not at all.
 *
 * <p>The hub relies on this ordering: a write's events are readable through {@link #events} and counted in {@link
 * #currentRevision()} <em>before</em> {@link WatchHub#notify} is called for that write.
 */
public interface History {

    /** The revision of the last applied write (etcd's {@code currentRev}); 1 for an empty store. */
    long currentRevision();

    /** The revision of the last compaction (0 if none). Revisions below it are no longer readable. */
    long compactRevision();

    /**
     * The events of revisions {@code fromRevision <= revision <= toRevision} whose key lies in {@code [key,
     * rangeEnd)}, ordered by revision and, inside one revision, by their order in the transaction.
     *
     * <p>Range rules are etcd's: an empty {@code rangeEnd} means {@code key} alone; {@code rangeEnd} of a single
     * {@code \0} byte means every key {@code >= key}.
     *
     * <p>Each event's revision is its {@code kv.mod_revision} (for a delete, the tombstone's revision). {@code
     * prev_kv} is filled when the store still has the previous version.
     *
     * <p>Chunking rule: revisions are never split. The method stops after the first revision at which the number of
     * returned events reaches {@code limit}. So a result with fewer than {@code limit} events covers the whole range
     * up to {@code toRevision}; a result with {@code limit} or more events may end earlier, and the caller continues
     * from the revision after its last event. A single revision larger than {@code limit} is returned whole.
     *
     * @throws CompactedRevisionException if {@code fromRevision < compactRevision()}
     */
    List<Event> events(ByteString key, ByteString rangeEnd, long fromRevision, long toRevision, int limit);
}
