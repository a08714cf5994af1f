package io.capstan.store.rpc;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmResponse;
import io.capstan.proto.etcd.DefragmentRequest;
import io.capstan.proto.etcd.DefragmentResponse;
import io.capstan.proto.etcd.HashKVRequest;
import io.capstan.proto.etcd.HashKVResponse;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.MoveLeaderRequest;
import io.capstan.proto.etcd.MoveLeaderResponse;
import io.capstan.proto.etcd.SnapshotRequest;
import io.capstan.proto.etcd.SnapshotResponse;
import io.capstan.proto.etcd.StatusRequest;
import io.capstan.proto.etcd.StatusResponse;
import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.capstan.store.kv.KeyValueStore;
import io.capstan.store.kv.LocalState;
import io.capstan.store.raft.RaftNode;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** etcd's Maintenance service: status, alarms, snapshot, hash, defragment, move-leader. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API version this store speaks, as reported by Status. */
    public static final String VERSION = "3.4.0";

    private static final int SNAPSHOT_CHUNK_BYTES = 32 * 1024;

    /**
     * etcd's snapshot is a bolt file, a whole number of pages, followed by its SHA-256; etcdctl
     * {@code snapshot save} refuses a stream whose size is not {@code n * 512 + 32}.
     */
    private static final int SNAPSHOT_ALIGN_BYTES = 512;

    private final KeyValueStore store;
    private final RaftNode node;
    private final LocalState local;
    private final Executor blocking;

    public MaintenanceService(KeyValueStore store, RaftNode node, LocalState local, Executor blocking) {
        this.store = store;
        this.node = node;
        this.local = local;
        this.blocking = blocking;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        Unary.reply(
                () -> {
                    RaftNode.Status status = node.status();
                    long size = local.sizeBytes();
                    StatusResponse.Builder response = StatusResponse.newBuilder()
                            .setHeader(store.header())
                            .setVersion(VERSION)
                            .setDbSize(size)
                            .setDbSizeInUse(size)
                            .setLeader(status.leaderMemberId())
                            .setRaftIndex(status.commitIndex())
                            .setRaftTerm(status.term())
                            .setRaftAppliedIndex(status.appliedIndex());
                    for (AlarmMember alarm : local.alarms()) {
                        response.addErrors("memberID:" + Long.toUnsignedString(alarm.getMemberID()) + " alarm:"
                                + alarm.getAlarm());
                    }
                    return response.build();
                },
                observer);
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> observer) {
        Unary.reply(store.alarm(request), observer);
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> observer) {
        Unary.reply(
                () -> local.hashKv(request.getRevision()).toBuilder()
                        .setHeader(store.header())
                        .build(),
                observer);
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> observer) {
        // The state lives in memory and compaction frees space as it goes: nothing to rewrite.
        Unary.reply(
                () -> DefragmentResponse.newBuilder().setHeader(store.header()).build(), observer);
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> observer) {
        Unary.reply(
                CompletableFuture.supplyAsync(
                        () -> {
                            if (!node.isLeader()) {
                                throw new EtcdException(EtcdError.NOT_LEADER);
                            }
                            if (node.peers().stream().noneMatch(p -> p.memberId() == request.getTargetID())) {
                                throw new EtcdException(EtcdError.BAD_LEADER_TRANSFEREE);
                            }
                            try {
                                node.transferLeadership(request.getTargetID(), 10_000);
                            } catch (IOException e) {
                                throw new EtcdException(EtcdError.TIMEOUT, e.getMessage(), 0, e);
                            }
                            return MoveLeaderResponse.newBuilder()
                                    .setHeader(store.header())
                                    .build();
                        },
                        blocking),
                observer);
    }

    /**
     * Streams a point-in-time snapshot of this peer's state, in the format a new cluster can be
     * restored from. The first message's header carries the snapshot's revision. As etcd does,
     * the state is padded to a multiple of 512 bytes (the reader stops at the format's end marker)
     * and followed by the SHA-256 of what precedes it.
     */
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> observer) {
        blocking.execute(() -> {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try {
                local.writeSnapshot(buffer);
            } catch (IOException | RuntimeException e) {
                observer.onError(EtcdErrors.toStatus(new EtcdException(EtcdError.STOPPED, e.getMessage(), 0, e)));
                return;
            }
            int padding = (SNAPSHOT_ALIGN_BYTES - buffer.size() % SNAPSHOT_ALIGN_BYTES) % SNAPSHOT_ALIGN_BYTES;
            buffer.write(new byte[padding], 0, padding);
            byte[] digest = sha256(buffer.toByteArray());
            buffer.write(digest, 0, digest.length);
            byte[] bytes = buffer.toByteArray();
            int offset = 0;
            boolean first = true;
            do {
                int length = Math.min(SNAPSHOT_CHUNK_BYTES, bytes.length - offset);
                SnapshotResponse.Builder chunk = SnapshotResponse.newBuilder()
                        .setBlob(ByteString.copyFrom(bytes, offset, length))
                        .setRemainingBytes(bytes.length - offset - length);
                if (first) {
                    chunk.setHeader(store.header());
                    first = false;
                }
                observer.onNext(chunk.build());
                offset += length;
            } while (offset < bytes.length);
            observer.onCompleted();
        });
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
