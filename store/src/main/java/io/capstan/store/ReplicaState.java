package io.capstan.store;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.HashKVResponse;
import io.capstan.proto.etcd.LeaseTimeToLiveRequest;
import io.capstan.proto.etcd.LeaseTimeToLiveResponse;
import io.capstan.proto.etcd.Member;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import io.capstan.proto.store.v1.StoreCommand;
import io.capstan.store.apply.Applier;
import io.capstan.store.apply.ChangeListener;
import io.capstan.store.apply.LeaseListener;
import io.capstan.store.apply.Reads;
import io.capstan.store.apply.StoreState;
import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.capstan.store.kv.LocalState;
import io.capstan.store.lease.Lease;
import io.capstan.store.lease.LeaseNotFoundException;
import io.capstan.store.lease.Lessor;
import io.capstan.store.lease.NotPrimaryException;
import io.capstan.store.mvcc.CompactedException;
import io.capstan.store.mvcc.FutureRevisionException;
import io.capstan.store.mvcc.KvHash;
import io.capstan.store.raft.AppliedState;
import io.capstan.store.raft.LeadershipListener;
import io.capstan.store.raft.SnapshotFiles;
import io.capstan.store.watch.CompactedRevisionException;
import io.capstan.store.watch.History;
import io.capstan.store.watch.WatchHub;
import java.io.IOException;
import java.io.OutputStream;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The applied state of one peer and the views the rest of the store takes of it: the Raft state
 * machine applies through it ({@link AppliedState}), the etcd API reads through it
 * ({@link LocalState}), the watch hub replays from it ({@link History}), and leadership changes
 * start and stop the lease clocks through it ({@link LeadershipListener}).
 *
 * <p>Commands are applied on the Raft apply thread; the applier is replaced wholesale when a
 * snapshot is restored, so readers always go through {@link #applier()}.
 */
final class ReplicaState implements AppliedState, LocalState, History, LeadershipListener {
    private final Object applyLock = new Object();
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final Lessor.Config lessorConfig;
    private final Executor compactor;
    private volatile Applier applier;
    private volatile Reads reads;
    private volatile Lessor lessor;
    private volatile boolean leader;
    private volatile Lessor.RevokeProposer revokeProposer = id -> {};
    private @Nullable WatchHub hub;
    private Consumer<ReplicaState> restored = state -> {};

    ReplicaState(
            InstantSource clock, ScheduledExecutorService scheduler, Lessor.Config lessorConfig, Executor compactor) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.lessorConfig = lessorConfig;
        this.compactor = compactor;
        this.applier = new Applier(changes(), leaseEvents());
        this.reads = new Reads(applier.mvcc());
        this.lessor = newLessor(applier);
    }

    private Lessor newLessor(Applier current) {
        return new Lessor(current.leases(), clock, scheduler, id -> revokeProposer.proposeRevoke(id), lessorConfig);
    }

    /** Wires the watch hub that hears every applied change; set once before the peer starts. */
    void attach(WatchHub watchHub, Lessor.RevokeProposer proposer, Consumer<ReplicaState> onRestored) {
        this.hub = watchHub;
        this.revokeProposer = proposer;
        this.restored = onRestored;
    }

    private ChangeListener changes() {
        return (revision, events) -> {
            WatchHub target = hub;
            if (target != null) {
                target.notify(revision, events);
            }
        };
    }

    private LeaseListener leaseEvents() {
        return new LeaseListener() {
            @Override
            public void onGranted(long id, long ttlSeconds) {
                lessor.onGranted(id, ttlSeconds);
            }

            @Override
            public void onRevoked(long id) {
                lessor.onRevoked(id);
            }
        };
    }

    Applier applier() {
        return applier;
    }

    // ---- AppliedState: the Raft apply thread

    @Override
    public CommandResult apply(StoreCommand command) {
        CommandResult result;
        long compactBefore;
        synchronized (applyLock) {
            compactBefore = applier.mvcc().compactRevision();
            result = applier.apply(command);
        }
        if (applier.mvcc().compactRevision() != compactBefore) {
            // The compaction is logical at once; the memory is freed off the apply thread.
            Applier current = applier;
            compactor.execute(() -> current.mvcc().compactPhysically());
        }
        return result;
    }

    @Override
    public FrozenState freeze() {
        StoreState captured;
        synchronized (applyLock) {
            captured = applier.captureState();
        }
        return new FrozenState() {
            @Override
            public SnapshotHeader.Builder header() {
                return captured.header().toBuilder();
            }

            @Override
            public void writeRecords(AppliedState.RecordSink sink) throws IOException {
                for (Iterator<SnapshotRecord> it = captured.records(); it.hasNext(); ) {
                    sink.accept(it.next());
                }
            }

            @Override
            public void close() {
                captured.close();
            }
        };
    }

    @Override
    public void restore(SnapshotHeader header, Iterator<SnapshotRecord> records) throws IOException {
        Applier next;
        try {
            next = Applier.restore(header, records, changes(), leaseEvents());
        } catch (IllegalStateException e) {
            throw new IOException("cannot restore snapshot: " + e.getMessage(), e);
        }
        Lessor previous = lessor;
        synchronized (applyLock) {
            applier = next;
            reads = new Reads(next.mvcc());
            lessor = newLessor(next);
        }
        previous.close();
        if (leader) {
            lessor.promote();
        }
        restored.accept(this);
    }

    // ---- LeadershipListener

    @Override
    public void onLeaderReady() {
        leader = true;
        lessor.promote();
    }

    @Override
    public void onNotLeader() {
        leader = false;
        lessor.demote();
    }

    // ---- LocalState: gRPC threads

    @Override
    public RangeResponse range(RangeRequest request) {
        try {
            return reads.range(request);
        } catch (CompactedException e) {
            throw new EtcdException(EtcdError.COMPACTED, e.getMessage(), e.compactRevision(), e);
        } catch (FutureRevisionException e) {
            throw new EtcdException(EtcdError.FUTURE_REVISION, e.getMessage(), 0, e);
        }
    }

    @Override
    public long revision() {
        return applier.mvcc().currentRevision();
    }

    @Override
    public long sizeBytes() {
        return applier.mvcc().sizeBytes();
    }

    @Override
    public List<AlarmMember> alarms() {
        return applier.alarms();
    }

    @Override
    public List<Long> leaseIds() {
        return applier.leases().ids();
    }

    @Override
    public boolean keepsLeaseClocks() {
        return lessor.isPrimary();
    }

    @Override
    public long keepAlive(long leaseId) {
        try {
            return lessor.keepAlive(leaseId);
        } catch (LeaseNotFoundException e) {
            throw new EtcdException(EtcdError.LEASE_NOT_FOUND);
        } catch (NotPrimaryException e) {
            throw new EtcdException(EtcdError.NOT_LEADER);
        }
    }

    @Override
    public LeaseTimeToLiveResponse timeToLive(LeaseTimeToLiveRequest request) {
        LeaseTimeToLiveResponse.Builder response =
                LeaseTimeToLiveResponse.newBuilder().setID(request.getID());
        Lease lease = applier.leases().get(request.getID()).orElse(null);
        if (lease == null) {
            return response.setTTL(-1).build();
        }
        long remaining;
        try {
            remaining = lessor.remainingTtlSeconds(request.getID());
        } catch (LeaseNotFoundException e) {
            return response.setTTL(-1).build();
        }
        response.setTTL(remaining).setGrantedTTL(lease.ttlSeconds());
        if (request.getKeys()) {
            response.addAllKeys(lease.keys());
        }
        return response.build();
    }

    @Override
    public long minLeaseTtlSeconds() {
        return lessorConfig.minTtl().toSeconds();
    }

    @Override
    public List<Member> members() {
        return applier.members();
    }

    @Override
    public HashKVResponse hashKv(long revision) {
        try {
            KvHash hash = applier.hash(revision);
            return HashKVResponse.newBuilder()
                    .setHash(hash.hash())
                    .setCompactRevision(hash.compactRevision())
                    .setHashRevision(hash.revision())
                    .build();
        } catch (CompactedException e) {
            throw new EtcdException(EtcdError.COMPACTED, e.getMessage(), e.compactRevision(), e);
        } catch (FutureRevisionException e) {
            throw new EtcdException(EtcdError.FUTURE_REVISION, e.getMessage(), 0, e);
        }
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        try (FrozenState frozen = freeze()) {
            SnapshotFiles.write(frozen.header().build(), frozen, out);
        }
    }

    // ---- History: the watch hub's thread

    @Override
    public long currentRevision() {
        return applier.mvcc().currentRevision();
    }

    @Override
    public long compactRevision() {
        return applier.mvcc().compactRevision();
    }

    @Override
    public List<Event> events(ByteString key, ByteString rangeEnd, long fromRevision, long toRevision, int limit) {
        try {
            return applier.mvcc().events(key, rangeEnd, fromRevision, toRevision, limit);
        } catch (CompactedException e) {
            throw new CompactedRevisionException(fromRevision, e.compactRevision());
        }
    }

    void close() {
        lessor.close();
    }
}
