package io.capstan.store.kv;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmResponse;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.DeleteRangeResponse;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.LeaseKeepAliveResponse;
import io.capstan.proto.etcd.LeaseLeasesResponse;
import io.capstan.proto.etcd.LeaseRevokeRequest;
import io.capstan.proto.etcd.LeaseRevokeResponse;
import io.capstan.proto.etcd.LeaseStatus;
import io.capstan.proto.etcd.LeaseTimeToLiveRequest;
import io.capstan.proto.etcd.LeaseTimeToLiveResponse;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.PutResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.ResponseHeader;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.store.v1.AlarmChange;
import io.capstan.proto.store.v1.CommandError;
import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.LeaseGrant;
import io.capstan.proto.store.v1.LeaseRevoke;
import io.capstan.proto.store.v1.StoreCommand;
import io.capstan.store.raft.ProposalFailedException;
import io.capstan.store.raft.RaftNode;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * {@link KeyValueStore} over the Raft group: validates as etcd does, proposes writes through
 * {@link RaftNode}, and serves reads from local state after a read barrier (or at once when
 * serializable).
 */
public final class ReplicatedStore implements KeyValueStore {
    /** etcd's default request size limit (--max-request-bytes). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
    /** etcd's default limit on operations in one txn (--max-txn-ops). */
    public static final int DEFAULT_MAX_TXN_OPS = 128;
    /** etcd's MaxLeaseTTL. */
    static final long MAX_LEASE_TTL_SECONDS = 9_000_000_000L;

    private final RaftNode node;
    private final LocalState local;
    private final long clusterId;
    private final int maxRequestBytes;
    private final int maxTxnOps;
    private final long quotaBytes;
    private final SecureRandom random = new SecureRandom();

    public ReplicatedStore(
            RaftNode node, LocalState local, long clusterId, int maxRequestBytes, int maxTxnOps, long quotaBytes) {
        this.node = node;
        this.local = local;
        this.clusterId = clusterId;
        this.maxRequestBytes = maxRequestBytes;
        this.maxTxnOps = maxTxnOps;
        this.quotaBytes = quotaBytes;
    }

    @Override
    public ResponseHeader header() {
        return ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setMemberId(node.memberId())
                .setRevision(local.revision())
                .setRaftTerm(node.status().term())
                .build();
    }

    private ResponseHeader stamp(ResponseHeader fromApply) {
        return fromApply.toBuilder()
                .setClusterId(clusterId)
                .setMemberId(node.memberId())
                .setRaftTerm(node.status().term())
                .build();
    }

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        try {
            checkSize(request.getSerializedSize());
            checkKey(request.getKey());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (request.getSerializable()) {
            return supply(() -> readLocal(request));
        }
        return node.linearizableBarrier()
                .exceptionally(e -> {
                    throw translate(e);
                })
                .thenApply(ignored -> readLocal(request));
    }

    private RangeResponse readLocal(RangeRequest request) {
        RangeResponse response = local.range(request);
        return response.toBuilder().setHeader(stamp(response.getHeader())).build();
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request) {
        try {
            checkSize(request.getSerializedSize());
            checkPut(request);
            checkQuota();
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(StoreCommand.newBuilder().setPut(request).build(), result -> {
            PutResponse response = result.getPut();
            return response.toBuilder().setHeader(stamp(response.getHeader())).build();
        });
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        try {
            checkSize(request.getSerializedSize());
            checkKey(request.getKey());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(StoreCommand.newBuilder().setDeleteRange(request).build(), result -> {
            DeleteRangeResponse response = result.getDeleteRange();
            return response.toBuilder().setHeader(stamp(response.getHeader())).build();
        });
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        try {
            checkSize(request.getSerializedSize());
            checkTxn(request);
            if (hasPut(request)) {
                checkQuota();
            }
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
        return propose(StoreCommand.newBuilder().setTxn(request).build(), result -> {
            TxnResponse response = result.getTxn();
            return response.toBuilder().setHeader(stamp(response.getHeader())).build();
        });
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return propose(StoreCommand.newBuilder().setCompaction(request).build(), result -> {
            CompactionResponse response = result.getCompaction();
            return response.toBuilder().setHeader(stamp(response.getHeader())).build();
        });
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
        if (request.getTTL() > MAX_LEASE_TTL_SECONDS) {
            return CompletableFuture.failedFuture(new EtcdException(EtcdError.LEASE_TTL_TOO_LARGE));
        }
        long id = request.getID();
        if (id == 0) {
            // Decided before proposing, so every peer applies the same ID (the applier stays deterministic).
            do {
                id = random.nextLong() & Long.MAX_VALUE;
            } while (id == 0);
        }
        long ttl = Math.max(request.getTTL(), local.minLeaseTtlSeconds());
        StoreCommand command = StoreCommand.newBuilder()
                .setLeaseGrant(LeaseGrant.newBuilder().setId(id).setTtlSeconds(ttl))
                .build();
        return propose(command, result -> {
            LeaseGrantResponse response = result.getLeaseGrant();
            return response.toBuilder().setHeader(stamp(response.getHeader())).build();
        });
    }

    @Override
    public CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request) {
        StoreCommand command = StoreCommand.newBuilder()
                .setLeaseRevoke(LeaseRevoke.newBuilder().setId(request.getID()))
                .build();
        return propose(command, result -> {
            LeaseRevokeResponse response = result.getLeaseRevoke();
            return response.toBuilder().setHeader(stamp(response.getHeader())).build();
        });
    }

    @Override
    public LeaseKeepAliveResponse leaseKeepAlive(long leaseId) {
        if (!local.keepsLeaseClocks()) {
            throw new EtcdException(EtcdError.NOT_LEADER);
        }
        long ttl = local.keepAlive(leaseId);
        return LeaseKeepAliveResponse.newBuilder()
                .setHeader(header())
                .setID(leaseId)
                .setTTL(ttl)
                .build();
    }

    @Override
    public LeaseTimeToLiveResponse leaseTimeToLive(LeaseTimeToLiveRequest request) {
        if (!local.keepsLeaseClocks()) {
            throw new EtcdException(EtcdError.NOT_LEADER);
        }
        return local.timeToLive(request).toBuilder().setHeader(header()).build();
    }

    @Override
    public LeaseLeasesResponse leaseLeases() {
        LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder().setHeader(header());
        for (long id : local.leaseIds()) {
            response.addLeases(LeaseStatus.newBuilder().setID(id));
        }
        return response.build();
    }

    @Override
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request) {
        if (request.getAction() == AlarmRequest.AlarmAction.GET) {
            return supply(() -> alarmResponse(request.getAlarm()));
        }
        StoreCommand command = StoreCommand.newBuilder()
                .setAlarm(AlarmChange.newBuilder()
                        .setAction(request.getAction())
                        .setMemberId(request.getMemberID())
                        .setAlarm(request.getAlarm()))
                .build();
        return propose(command, result -> alarmResponse(request.getAlarm()));
    }

    private AlarmResponse alarmResponse(AlarmType filter) {
        AlarmResponse.Builder response = AlarmResponse.newBuilder().setHeader(header());
        for (AlarmMember alarm : local.alarms()) {
            if (filter == AlarmType.NONE || alarm.getAlarm() == filter) {
                response.addAlarms(alarm);
            }
        }
        return response.build();
    }

    /** Proposes a command and fails the future with {@link EtcdException} if its result is an error. */
    CompletableFuture<CommandResult> proposeChecked(StoreCommand command) {
        return propose(command, result -> result);
    }

    private <T> CompletableFuture<T> propose(StoreCommand command, Function<CommandResult, T> onSuccess) {
        return node.propose(command).handle((result, error) -> {
            if (error != null) {
                throw translate(error);
            }
            if (result.hasError()) {
                throw fromCommandError(result.getError());
            }
            return onSuccess.apply(result);
        });
    }

    private static <T> CompletableFuture<T> supply(java.util.function.Supplier<T> read) {
        try {
            return CompletableFuture.completedFuture(read.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static RuntimeException translate(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof EtcdException etcd) {
            return etcd;
        }
        if (cause instanceof ProposalFailedException failed) {
            return new EtcdException(
                    failed.timedOut() ? EtcdError.TIMEOUT : EtcdError.NO_LEADER, failed.getMessage(), 0, failed);
        }
        return new EtcdException(EtcdError.TIMEOUT, cause.toString(), 0, cause);
    }

    static EtcdException fromCommandError(CommandError error) {
        EtcdError mapped = switch (error.getCode()) {
            case COMPACTED -> EtcdError.COMPACTED;
            case FUTURE_REVISION -> EtcdError.FUTURE_REVISION;
            case LEASE_NOT_FOUND -> EtcdError.LEASE_NOT_FOUND;
            case LEASE_EXISTS -> EtcdError.LEASE_EXISTS;
            case KEY_NOT_FOUND -> EtcdError.KEY_NOT_FOUND;
            case NO_SPACE -> EtcdError.NO_SPACE;
            case MEMBER_EXISTS -> EtcdError.MEMBER_EXISTS;
            case MEMBER_NOT_FOUND -> EtcdError.MEMBER_NOT_FOUND;
            case INVALID, UNKNOWN, UNRECOGNIZED -> EtcdError.INVALID_ARGUMENT;
        };
        return new EtcdException(mapped, error.getMessage(), error.getCompactRevision(), null);
    }

    private void checkSize(int bytes) {
        if (bytes > maxRequestBytes) {
            throw new EtcdException(
                    EtcdError.REQUEST_TOO_LARGE, "request is " + bytes + " bytes, limit " + maxRequestBytes);
        }
    }

    private static void checkKey(ByteString key) {
        if (key.isEmpty()) {
            throw new EtcdException(EtcdError.EMPTY_KEY);
        }
    }

    private static void checkPut(PutRequest put) {
        checkKey(put.getKey());
        if (put.getIgnoreValue() && !put.getValue().isEmpty()) {
            throw new EtcdException(EtcdError.VALUE_PROVIDED);
        }
        if (put.getIgnoreLease() && put.getLease() != 0) {
            throw new EtcdException(EtcdError.LEASE_PROVIDED);
        }
    }

    private void checkTxn(TxnRequest txn) {
        if (txn.getSuccessCount() > maxTxnOps
                || txn.getFailureCount() > maxTxnOps
                || txn.getCompareCount() > maxTxnOps) {
            throw new EtcdException(EtcdError.TOO_MANY_OPS);
        }
        for (var compare : txn.getCompareList()) {
            checkKey(compare.getKey());
        }
        checkOps(txn.getSuccessList());
        checkOps(txn.getFailureList());
    }

    private void checkOps(List<RequestOp> ops) {
        Set<ByteString> putKeys = new HashSet<>();
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> checkKey(op.getRequestRange().getKey());
                case REQUEST_PUT -> {
                    checkPut(op.getRequestPut());
                    // etcd refuses a txn that writes one key twice in the same branch.
                    if (!putKeys.add(op.getRequestPut().getKey())) {
                        throw new EtcdException(EtcdError.DUPLICATE_KEY);
                    }
                }
                case REQUEST_DELETE_RANGE -> checkKey(op.getRequestDeleteRange().getKey());
                case REQUEST_TXN -> checkTxn(op.getRequestTxn());
                case REQUEST_NOT_SET -> throw new EtcdException(EtcdError.INVALID_ARGUMENT, "empty request op");
            }
        }
    }

    private static boolean hasPut(TxnRequest txn) {
        for (List<RequestOp> ops : List.of(txn.getSuccessList(), txn.getFailureList())) {
            for (RequestOp op : ops) {
                if (op.hasRequestPut() || (op.hasRequestTxn() && hasPut(op.getRequestTxn()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Raises the NOSPACE alarm when the state has outgrown the quota, as etcd's quota check does. */
    private void checkQuota() {
        for (AlarmMember alarm : local.alarms()) {
            if (alarm.getAlarm() == AlarmType.NOSPACE) {
                throw new EtcdException(EtcdError.NO_SPACE);
            }
        }
        if (local.sizeBytes() > quotaBytes) {
            StoreCommand raise = StoreCommand.newBuilder()
                    .setAlarm(AlarmChange.newBuilder()
                            .setAction(AlarmRequest.AlarmAction.ACTIVATE)
                            .setMemberId(node.memberId())
                            .setAlarm(AlarmType.NOSPACE))
                    .build();
            node.propose(raise);
            throw new EtcdException(
                    EtcdError.NO_SPACE, "state is " + local.sizeBytes() + " bytes, quota " + quotaBytes);
        }
    }
}
