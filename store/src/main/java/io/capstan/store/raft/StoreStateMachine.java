package io.capstan.store.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.capstan.proto.store.v1.CommandResults;
import io.capstan.proto.store.v1.LogEntry;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.StoreCommand;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft state machine of one store peer. It decodes committed log entries and hands each
 * command to the {@link AppliedState}, in log order, on Ratis's single apply thread.
 *
 * <p>Snapshots never stall that thread: {@link #takeSnapshot()} freezes the state (cheap) and a
 * background thread writes it; Ratis is told the index of the newest <em>completed</em> snapshot,
 * so it purges the log only behind a snapshot that is on disk.
 */
final class StoreStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(StoreStateMachine.class);

    private final String peerName;
    private final AppliedState state;
    private final LeadershipListener leadership;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final ExecutorService snapshotWriter;
    private final AtomicBoolean snapshotInProgress = new AtomicBoolean();
    private final StoreRaftMetrics metrics;
    private volatile long completedSnapshotIndex = -1;
    private volatile boolean leader;

    StoreStateMachine(String peerName, AppliedState state, LeadershipListener leadership, StoreRaftMetrics metrics) {
        this.peerName = peerName;
        this.state = state;
        this.leadership = leadership;
        this.metrics = metrics;
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "store-" + peerName + "-snapshot");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            loadSnapshot(storage.getLatestSnapshot());
        });
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private void loadSnapshot(@Nullable SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null) {
            MD5FileUtil.verifySavedMD5(file, expected);
        }
        try (SnapshotFiles.Reader reader = SnapshotFiles.Reader.open(file.toPath())) {
            SnapshotHeader header = reader.header();
            if (header.getAppliedIndex() != snapshot.getIndex()) {
                throw new IOException("snapshot " + file + " holds index " + header.getAppliedIndex()
                        + " but is named for index " + snapshot.getIndex());
            }
            state.restore(header, reader.records());
        } catch (IllegalStateException e) {
            throw new IOException("cannot load snapshot " + file + ": " + e.getMessage(), e);
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        completedSnapshotIndex = snapshot.getIndex();
        log.info(
                "{}: loaded snapshot {} (term {}, index {})",
                peerName,
                file.getName(),
                snapshot.getTerm(),
                snapshot.getIndex());
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        var data = request.getMessage().getContent();
        TransactionContext trx = TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(data)
                .build();
        try {
            LogEntries.decode(data);
        } catch (InvalidProtocolBufferException e) {
            // Rejected before it reaches the log: a malformed entry must never be committed.
            trx.setException(e);
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        LogEntry decoded;
        try {
            decoded = LogEntries.decode(entry.getStateMachineLogEntry().getLogData());
        } catch (InvalidProtocolBufferException e) {
            // A committed entry this peer cannot read: stopping beats diverging from the others.
            throw new IllegalStateException(
                    peerName + ": cannot decode committed log entry " + entry.getIndex() + ": " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        CommandResults.Builder results = CommandResults.newBuilder();
        for (StoreCommand command : decoded.getCommandsList()) {
            results.addResults(state.apply(command));
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        metrics.recordApply(decoded.getCommandsCount(), System.nanoTime() - started);
        return CompletableFuture.completedFuture(LogEntries.encodeResults(results.build()));
    }

    /** Answers a read barrier: once Ratis calls this, the local state has applied the read index. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(
                LogEntries.encodeLong(getLastAppliedTermIndex().getIndex()));
    }

    @Override
    public long takeSnapshot() {
        TermIndex applied = getLastAppliedTermIndex();
        if (applied.getIndex() > completedSnapshotIndex && snapshotInProgress.compareAndSet(false, true)) {
            AppliedState.FrozenState frozen;
            try {
                frozen = state.freeze();
            } catch (RuntimeException e) {
                snapshotInProgress.set(false);
                throw e;
            }
            snapshotWriter.execute(() -> writeSnapshot(frozen, applied));
        }
        return completedSnapshotIndex;
    }

    private void writeSnapshot(AppliedState.FrozenState frozen, TermIndex applied) {
        long started = System.nanoTime();
        try (frozen) {
            File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
            SnapshotHeader header = frozen.header()
                    .setAppliedTerm(applied.getTerm())
                    .setAppliedIndex(applied.getIndex())
                    .build();
            SnapshotFiles.writeFile(file.toPath(), header, frozen);
            MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
            storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), applied));
            completedSnapshotIndex = applied.getIndex();
            metrics.recordSnapshot(System.nanoTime() - started, file.length());
            log.info(
                    "{}: wrote snapshot at term {} index {} revision {} ({} bytes)",
                    peerName,
                    applied.getTerm(),
                    applied.getIndex(),
                    header.getRevision(),
                    file.length());
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "{}: snapshot at index {} failed, will retry at the next trigger", peerName, applied.getIndex(), e);
        } finally {
            snapshotInProgress.set(false);
        }
    }

    /** The newest snapshot that is completely on disk, or null. Used to serve Maintenance.Snapshot. */
    @Nullable
    SingleFileSnapshotInfo latestSnapshot() {
        return storage.getLatestSnapshot();
    }

    // Ratis installs a snapshot from the leader between pause() and reinitialize(); its updater
    // asserts the PAUSED state, which BaseStateMachine does not reach on its own.
    @Override
    public void pause() {
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
            lifeCycle.transition(LifeCycle.State.PAUSING);
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        // loadLatestSnapshot re-scans the directory; getLatestSnapshot would return the cached one.
        loadSnapshot(storage.loadLatestSnapshot());
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.PAUSED) {
            lifeCycle.transition(LifeCycle.State.STARTING);
            lifeCycle.transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public void notifyLeaderReady() {
        leader = true;
        log.info("{}: became leader", peerName);
        leadership.onLeaderReady();
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId memberId, RaftPeerId newLeaderId) {
        if (!memberId.getPeerId().equals(newLeaderId) && leader) {
            leader = false;
            log.info("{}: lost leadership to {}", peerName, newLeaderId);
            leadership.onNotLeader();
        }
        metrics.leaderChanged();
    }

    @Override
    public void close() throws IOException {
        snapshotWriter.shutdown();
        try {
            if (!snapshotWriter.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("{}: snapshot writer did not stop within 30s", peerName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.close();
    }
}
