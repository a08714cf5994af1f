package io.capstan.store.apply;

import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.store.v1.LeaseGrant;
import io.capstan.proto.store.v1.MemberPublish;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import io.capstan.store.mvcc.HistoryRecord;
import io.capstan.store.mvcc.MvccSnapshot;
import java.util.Iterator;
import java.util.List;

/**
 * The applied state captured at one revision for a snapshot. Captured on the apply thread by
 * {@link Applier#captureState()}; {@link #header()}, {@link #records()} and {@link #writeTo} may
 * then run on another thread while applying continues. Close it when written, so that physical
 * compaction can go on.
 *
 * <p>The header it builds leaves {@code applied_term}, {@code applied_index} and {@code cluster_id}
 * at 0: they belong to the caller, who sets them on {@code header().toBuilder()}.
 */
public final class StoreState implements AutoCloseable {
    /** The snapshot format this class writes. */
    public static final int FORMAT_VERSION = 1;

    private final MvccSnapshot snapshot;
    private final List<LeaseGrant> leases;
    private final List<AlarmMember> alarms;
    private final List<MemberPublish> members;

    StoreState(MvccSnapshot snapshot, List<LeaseGrant> leases, List<AlarmMember> alarms, List<MemberPublish> members) {
        this.snapshot = snapshot;
        this.leases = List.copyOf(leases);
        this.alarms = List.copyOf(alarms);
        this.members = List.copyOf(members);
    }

    public long revision() {
        return snapshot.revision();
    }

    /** The header, with {@code record_count} counted by one pass over the records. */
    public SnapshotHeader header() {
        return SnapshotHeader.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setRevision(snapshot.revision())
                .setCompactRevision(snapshot.compactRevision())
                .addAllLeases(leases)
                .addAllAlarms(alarms)
                .addAllMembers(members)
                .build();
    }

    /** The mvcc records in revision order; each call is a fresh pass. */
    public Iterator<SnapshotRecord> records() {
        Iterator<HistoryRecord> records = snapshot.records();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public SnapshotRecord next() {
                return toProto(records.next());
            }
        };
    }

    @Override
    public void close() {
        snapshot.close();
    }

    static SnapshotRecord toProto(HistoryRecord record) {
        return SnapshotRecord.newBuilder()
                .setMain(record.revision().main())
                .setSub(record.revision().sub())
                .setKv(record.kv())
                .setTombstone(record.isTombstone())
                .build();
    }

    static HistoryRecord fromProto(SnapshotRecord record) {
        return new HistoryRecord(
                new io.capstan.store.mvcc.Revision(record.getMain(), record.getSub()),
                record.getKv(),
                record.getTombstone());
    }
}
