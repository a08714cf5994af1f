package io.capstan.store.apply;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.AlarmMember;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.DeleteRangeResponse;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.LeaseRevokeResponse;
import io.capstan.proto.etcd.Member;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.PutResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.ResponseHeader;
import io.capstan.proto.etcd.ResponseOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.mvcc.KeyValue;
import io.capstan.proto.store.v1.AlarmChange;
import io.capstan.proto.store.v1.CommandError;
import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.Empty;
import io.capstan.proto.store.v1.LeaseCheckpoint;
import io.capstan.proto.store.v1.LeaseGrant;
import io.capstan.proto.store.v1.LeaseRevoke;
import io.capstan.proto.store.v1.MemberAdd;
import io.capstan.proto.store.v1.MemberPublish;
import io.capstan.proto.store.v1.MemberRemove;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.proto.store.v1.SnapshotRecord;
import io.capstan.proto.store.v1.StoreCommand;
import io.capstan.store.lease.LeaseTable;
import io.capstan.store.mvcc.CompactedException;
import io.capstan.store.mvcc.FutureRevisionException;
import io.capstan.store.mvcc.HistoryRecord;
import io.capstan.store.mvcc.KvHash;
import io.capstan.store.mvcc.MvccStore;
import io.capstan.store.mvcc.TxnResult;
import io.capstan.store.mvcc.WriteTxn;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Applies committed {@link StoreCommand}s: each one becomes at most one mvcc write transaction
 * (plus lease, alarm and member table changes) and one {@link CommandResult}.
 *
 * <p><b>Determinism.</b> The same commands in the same order give the same results and the same
 * state on every peer: no clock, no randomness, no I/O, and applied state is iterated in sorted
 * order only. An ordinary failure (a missing lease, a compacted revision, NOSPACE) is a {@link
 * CommandError} result, decided before anything is written, so a command changes all or nothing.
 * A thrown exception means a broken invariant, and should stop the peer.
 *
 * <p><b>Threads.</b> {@link #apply} and {@link #captureState()} run on the apply thread only. The
 * getters are safe from any thread. Response headers carry the store revision after the command;
 * cluster id, member id and term are left 0 for the server to fill.
 */
public final class Applier {
    private static final ByteString SINGLE_KEY = ByteString.EMPTY;

    private final MvccStore mvcc;
    private final LeaseTable leases;
    private final AlarmTable alarms;
    private final MemberTable members;
    private final ChangeListener changes;
    private final LeaseListener leaseEvents;

    public Applier(ChangeListener changes, LeaseListener leaseEvents) {
        this(new MvccStore(), new LeaseTable(), new AlarmTable(), new MemberTable(), changes, leaseEvents);
    }

    private Applier(
            MvccStore mvcc,
            LeaseTable leases,
            AlarmTable alarms,
            MemberTable members,
            ChangeListener changes,
            LeaseListener leaseEvents) {
        this.mvcc = mvcc;
        this.leases = leases;
        this.alarms = alarms;
        this.members = members;
        this.changes = changes;
        this.leaseEvents = leaseEvents;
    }

    /**
     * Rebuilds the applied state from a snapshot: {@code header} and then its records in revision
     * order (the snapshot reader checks the record count against the file's end marker). Keys are re-attached to their leases.
     *
     * @throws IllegalStateException if the snapshot is inconsistent or of an unknown format
     */
    public static Applier restore(
            SnapshotHeader header,
            Iterator<SnapshotRecord> records,
            ChangeListener changes,
            LeaseListener leaseEvents) {
        if (header.getFormatVersion() != StoreState.FORMAT_VERSION) {
            throw new IllegalStateException("unknown snapshot format version " + header.getFormatVersion());
        }
        Iterator<HistoryRecord> history = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public HistoryRecord next() {
                return StoreState.fromProto(records.next());
            }
        };
        MvccStore mvcc = MvccStore.restore(header.getRevision(), header.getCompactRevision(), history);
        LeaseTable leases = new LeaseTable();
        for (LeaseGrant grant : header.getLeasesList()) {
            leases.grant(grant.getId(), grant.getTtlSeconds());
        }
        for (KeyValue kv :
                mvcc.read(0).range(ByteString.copyFrom(new byte[] {0}), ByteString.copyFrom(new byte[] {0}))) {
            if (kv.getLease() != 0 && leases.contains(kv.getLease())) {
                leases.attach(kv.getLease(), kv.getKey());
            }
        }
        AlarmTable alarms = new AlarmTable();
        for (AlarmMember alarm : header.getAlarmsList()) {
            alarms.activate(alarm.getMemberID(), alarm.getAlarm());
        }
        MemberTable members = new MemberTable();
        for (MemberPublish member : header.getMembersList()) {
            members.put(Member.newBuilder()
                    .setID(member.getId())
                    .setName(member.getName())
                    .addAllPeerURLs(member.getPeerUrlsList())
                    .addAllClientURLs(member.getClientUrlsList())
                    .build());
        }
        return new Applier(mvcc, leases, alarms, members, changes, leaseEvents);
    }

    public MvccStore mvcc() {
        return mvcc;
    }

    public LeaseTable leases() {
        return leases;
    }

    /** Active alarms in (member, alarm) order. */
    public List<AlarmMember> alarms() {
        return alarms.list();
    }

    public boolean isAlarmActive(AlarmType alarm) {
        return alarms.isActive(alarm);
    }

    /** Members in id order. */
    public List<Member> members() {
        return members.list();
    }

    /** Whether the store's accounted size is above {@code quotaBytes}; {@code <= 0} means no quota. */
    public boolean wouldExceedQuota(long quotaBytes) {
        return wouldExceedQuota(quotaBytes, 0);
    }

    /** Whether adding {@code costBytes} would take the store above {@code quotaBytes}. */
    public boolean wouldExceedQuota(long quotaBytes, long costBytes) {
        return quotaBytes > 0 && mvcc.sizeBytes() + costBytes > quotaBytes;
    }

    public KvHash hash(long revision) {
        return mvcc.hash(revision);
    }

    /** Captures the state for a snapshot; apply thread only, cheap apart from copying the lease, alarm and member tables. */
    public StoreState captureState() {
        List<LeaseGrant> grants = new ArrayList<>();
        for (long id : leases.ids()) {
            leases.get(id)
                    .ifPresent(lease -> grants.add(LeaseGrant.newBuilder()
                            .setId(lease.id())
                            .setTtlSeconds(lease.ttlSeconds())
                            .build()));
        }
        List<MemberPublish> memberList = new ArrayList<>();
        for (Member member : members.list()) {
            memberList.add(MemberPublish.newBuilder()
                    .setId(member.getID())
                    .setName(member.getName())
                    .addAllPeerUrls(member.getPeerURLsList())
                    .addAllClientUrls(member.getClientURLsList())
                    .build());
        }
        return new StoreState(mvcc.snapshot(), grants, alarms.list(), memberList);
    }

    /** Applies one committed command. */
    public CommandResult apply(StoreCommand command) {
        return switch (command.getCommandCase()) {
            case PUT -> put(command.getPut());
            case DELETE_RANGE -> deleteRange(command.getDeleteRange());
            case TXN -> txn(command.getTxn());
            case COMPACTION -> compact(command.getCompaction());
            case LEASE_GRANT -> leaseGrant(command.getLeaseGrant());
            case LEASE_REVOKE -> leaseRevoke(command.getLeaseRevoke());
            case LEASE_CHECKPOINT -> leaseCheckpoint(command.getLeaseCheckpoint());
            case ALARM -> alarm(command.getAlarm());
            case MEMBER_ADD -> memberAdd(command.getMemberAdd());
            case MEMBER_REMOVE -> memberRemove(command.getMemberRemove());
            case MEMBER_PUBLISH -> memberPublish(command.getMemberPublish());
            case COMMAND_NOT_SET -> error(CommandError.Code.INVALID, "empty store command");
        };
    }

    // ---- key-value commands ----

    private CommandResult put(PutRequest request) {
        if (alarms.isActive(AlarmType.NOSPACE)) {
            return noSpace();
        }
        // etcd checks the lease before the key for a plain put
        if (request.getLease() != 0 && !leases.contains(request.getLease())) {
            return leaseNotFound();
        }
        WriteTxn txn = mvcc.write();
        CommandError failure = checkPut(txn, request);
        if (failure != null) {
            txn.end();
            return CommandResult.newBuilder().setError(failure).build();
        }
        PutResponse response = execPut(txn, request);
        long revision = end(txn);
        return CommandResult.newBuilder()
                .setPut(response.toBuilder().setHeader(header(revision)))
                .build();
    }

    private CommandResult deleteRange(DeleteRangeRequest request) {
        WriteTxn txn = mvcc.write();
        DeleteRangeResponse response = execDelete(txn, request);
        long revision = end(txn);
        return CommandResult.newBuilder()
                .setDeleteRange(response.toBuilder().setHeader(header(revision)))
                .build();
    }

    private CommandResult txn(TxnRequest request) {
        if (alarms.isActive(AlarmType.NOSPACE) && hasPuts(request)) {
            return noSpace();
        }
        WriteTxn txn = mvcc.write();
        // like etcd, every compare (nested ones too) is decided against the state before the txn
        List<Boolean> path = new ArrayList<>();
        choosePath(txn, request, path);
        CommandError failure = checkPath(txn, request, path.iterator());
        if (failure != null) {
            txn.end();
            return CommandResult.newBuilder().setError(failure).build();
        }
        TxnResponse response = execTxn(txn, request, path.iterator());
        long revision = end(txn);
        return CommandResult.newBuilder()
                .setTxn(withRevision(response, revision))
                .build();
    }

    private CommandResult compact(CompactionRequest request) {
        try {
            mvcc.compact(request.getRevision());
        } catch (CompactedException e) {
            return CommandResult.newBuilder()
                    .setError(CommandError.newBuilder()
                            .setCode(CommandError.Code.COMPACTED)
                            .setMessage("mvcc: required revision has been compacted")
                            .setCompactRevision(e.compactRevision()))
                    .build();
        } catch (FutureRevisionException e) {
            return error(CommandError.Code.FUTURE_REVISION, "mvcc: required revision is a future revision");
        }
        return CommandResult.newBuilder()
                .setCompaction(CompactionResponse.newBuilder().setHeader(header(mvcc.currentRevision())))
                .build();
    }

    // ---- leases ----

    private CommandResult leaseGrant(LeaseGrant grant) {
        // etcd refuses new leases under NOSPACE as well
        if (alarms.isActive(AlarmType.NOSPACE)) {
            return noSpace();
        }
        if (leases.contains(grant.getId())) {
            return error(CommandError.Code.LEASE_EXISTS, "etcdserver: lease already exists");
        }
        leases.grant(grant.getId(), grant.getTtlSeconds());
        leaseEvents.onGranted(grant.getId(), grant.getTtlSeconds());
        return CommandResult.newBuilder()
                .setLeaseGrant(LeaseGrantResponse.newBuilder()
                        .setHeader(header(mvcc.currentRevision()))
                        .setID(grant.getId())
                        .setTTL(grant.getTtlSeconds()))
                .build();
    }

    private CommandResult leaseRevoke(LeaseRevoke revoke) {
        if (!leases.contains(revoke.getId())) {
            return leaseNotFound();
        }
        List<ByteString> keys = leases.revoke(revoke.getId()); // sorted: the same deletes on every peer
        WriteTxn txn = mvcc.write();
        for (ByteString key : keys) {
            txn.deleteRange(key, SINGLE_KEY);
        }
        long revision = end(txn);
        leaseEvents.onRevoked(revoke.getId());
        return CommandResult.newBuilder()
                .setLeaseRevoke(LeaseRevokeResponse.newBuilder().setHeader(header(revision)))
                .build();
    }

    private CommandResult leaseCheckpoint(LeaseCheckpoint checkpoint) {
        if (!leases.contains(checkpoint.getId())) {
            return leaseNotFound();
        }
        leases.checkpoint(checkpoint.getId(), checkpoint.getRemainingTtlSeconds());
        return done();
    }

    // ---- cluster ----

    private CommandResult alarm(AlarmChange change) {
        switch (change.getAction()) {
            case ACTIVATE -> alarms.activate(change.getMemberId(), change.getAlarm());
            case DEACTIVATE -> alarms.deactivate(change.getMemberId(), change.getAlarm());
            case GET, UNRECOGNIZED -> {}
        }
        return done();
    }

    private CommandResult memberAdd(MemberAdd add) {
        if (members.contains(add.getId())) {
            return error(CommandError.Code.MEMBER_EXISTS, "etcdserver: member ID already exist");
        }
        members.put(Member.newBuilder()
                .setID(add.getId())
                .addAllPeerURLs(add.getPeerUrlsList())
                .setIsLearner(add.getIsLearner())
                .build());
        return done();
    }

    private CommandResult memberRemove(MemberRemove remove) {
        if (!members.contains(remove.getId())) {
            return memberNotFound();
        }
        members.remove(remove.getId());
        return done();
    }

    private CommandResult memberPublish(MemberPublish publish) {
        // Members of the initial configuration were never added through the API: their first
        // publish records them.
        Member existing = members.get(publish.getId())
                .orElse(Member.newBuilder().setID(publish.getId()).build());
        Member.Builder updated = existing.toBuilder()
                .setName(publish.getName())
                .clearClientURLs()
                .addAllClientURLs(publish.getClientUrlsList());
        if (publish.getPeerUrlsCount() > 0) {
            updated.clearPeerURLs().addAllPeerURLs(publish.getPeerUrlsList());
        }
        members.put(updated.build());
        return done();
    }

    // ---- the txn machinery ----

    private static boolean hasPuts(TxnRequest request) {
        for (List<RequestOp> ops : List.of(request.getSuccessList(), request.getFailureList())) {
            for (RequestOp op : ops) {
                if (op.hasRequestPut() || (op.hasRequestTxn() && hasPuts(op.getRequestTxn()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Records the outcome of this txn's compares and of its chosen nested txns, depth first. */
    private static void choosePath(WriteTxn txn, TxnRequest request, List<Boolean> path) {
        boolean succeeded = true;
        for (Compare compare : request.getCompareList()) {
            if (!Compares.holds(txn, compare)) {
                succeeded = false;
                break;
            }
        }
        path.add(succeeded);
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            if (op.hasRequestTxn()) {
                choosePath(txn, op.getRequestTxn(), path);
            }
        }
    }

    /** Finds, before anything is written, the first op on the chosen path that would fail. */
    private @Nullable CommandError checkPath(WriteTxn txn, TxnRequest request, Iterator<Boolean> path) {
        boolean succeeded = path.next();
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            CommandError failure = switch (op.getRequestCase()) {
                case REQUEST_PUT -> {
                    PutRequest put = op.getRequestPut();
                    CommandError keyFailure = checkPut(txn, put);
                    if (keyFailure != null) {
                        yield keyFailure;
                    }
                    yield put.getLease() != 0 && !leases.contains(put.getLease()) ? leaseNotFoundError() : null;
                }
                case REQUEST_RANGE -> checkRange(txn, op.getRequestRange());
                case REQUEST_TXN -> checkPath(txn, op.getRequestTxn(), path);
                case REQUEST_DELETE_RANGE, REQUEST_NOT_SET -> null;
            };
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    private @Nullable CommandError checkRange(WriteTxn txn, RangeRequest request) {
        long revision = request.getRevision();
        if (revision > txn.beginRevision()) {
            return errorOf(CommandError.Code.FUTURE_REVISION, "mvcc: required revision is a future revision");
        }
        if (revision > 0 && revision < mvcc.compactRevision()) {
            return CommandError.newBuilder()
                    .setCode(CommandError.Code.COMPACTED)
                    .setMessage("mvcc: required revision has been compacted")
                    .setCompactRevision(mvcc.compactRevision())
                    .build();
        }
        return null;
    }

    private static @Nullable CommandError checkPut(WriteTxn txn, PutRequest request) {
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && txn.get(request.getKey()) == null) {
            return errorOf(CommandError.Code.KEY_NOT_FOUND, "etcdserver: key not found");
        }
        return null;
    }

    private TxnResponse execTxn(WriteTxn txn, TxnRequest request, Iterator<Boolean> path) {
        boolean succeeded = path.next();
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
        for (RequestOp op : succeeded ? request.getSuccessList() : request.getFailureList()) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(rangeInTxn(txn, op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(execPut(txn, op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> result.setResponseDeleteRange(execDelete(txn, op.getRequestDeleteRange()));
                case REQUEST_TXN -> result.setResponseTxn(execTxn(txn, op.getRequestTxn(), path));
                case REQUEST_NOT_SET -> {}
            }
            response.addResponses(result);
        }
        return response.build();
    }

    private RangeResponse rangeInTxn(WriteTxn txn, RangeRequest request) {
        if (request.getRevision() > 0) {
            // an explicit revision reads history, not the txn's own writes (checked in checkRange)
            return Reads.range(mvcc.read(request.getRevision()), request.getRevision(), request);
        }
        return Reads.range(txn, txn.writeRevision(), request);
    }

    /** Assumes {@link #checkPut} and the lease check passed. */
    private PutResponse execPut(WriteTxn txn, PutRequest request) {
        KeyValue existing = txn.get(request.getKey());
        ByteString value = request.getValue();
        long lease = request.getLease();
        // existing is null here only if an earlier op of the same txn deleted the key; etcd treats
        // that as impossible, we fall back to the request's own value and lease
        if (existing != null && request.getIgnoreValue()) {
            value = existing.getValue();
        }
        if (existing != null && request.getIgnoreLease()) {
            lease = existing.getLease();
        }
        KeyValue prev = txn.put(request.getKey(), value, lease);
        if (prev != null && prev.getLease() != 0 && prev.getLease() != lease) {
            leases.detach(prev.getLease(), request.getKey());
        }
        if (lease != 0 && leases.contains(lease)) {
            leases.attach(lease, request.getKey());
        }
        PutResponse.Builder response = PutResponse.newBuilder();
        if (request.getPrevKv() && prev != null) {
            response.setPrevKv(prev);
        }
        return response.build();
    }

    private DeleteRangeResponse execDelete(WriteTxn txn, DeleteRangeRequest request) {
        List<KeyValue> deleted = txn.deleteRange(request.getKey(), request.getRangeEnd());
        for (KeyValue prev : deleted) {
            if (prev.getLease() != 0) {
                leases.detach(prev.getLease(), prev.getKey());
            }
        }
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(deleted.size());
        if (request.getPrevKv()) {
            response.addAllPrevKvs(deleted);
        }
        return response.build();
    }

    private long end(WriteTxn txn) {
        TxnResult result = txn.end();
        if (result.hasChanges()) {
            changes.onApplied(result.revision(), result.events());
        }
        return result.revision();
    }

    /** Every header in the txn response, nested ones too, carries the txn's final revision. */
    private static TxnResponse withRevision(TxnResponse response, long revision) {
        TxnResponse.Builder builder = response.toBuilder().setHeader(header(revision));
        for (int i = 0; i < builder.getResponsesCount(); i++) {
            ResponseOp op = builder.getResponses(i);
            ResponseOp updated = switch (op.getResponseCase()) {
                case RESPONSE_RANGE ->
                    op.toBuilder()
                            .setResponseRange(op.getResponseRange().toBuilder().setHeader(header(revision)))
                            .build();
                case RESPONSE_PUT ->
                    op.toBuilder()
                            .setResponsePut(op.getResponsePut().toBuilder().setHeader(header(revision)))
                            .build();
                case RESPONSE_DELETE_RANGE ->
                    op.toBuilder()
                            .setResponseDeleteRange(
                                    op.getResponseDeleteRange().toBuilder().setHeader(header(revision)))
                            .build();
                case RESPONSE_TXN ->
                    op.toBuilder()
                            .setResponseTxn(withRevision(op.getResponseTxn(), revision))
                            .build();
                case RESPONSE_NOT_SET -> op;
            };
            builder.setResponses(i, updated);
        }
        return builder.build();
    }

    // ---- results ----

    private static ResponseHeader header(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    private static CommandResult done() {
        return CommandResult.newBuilder().setDone(Empty.getDefaultInstance()).build();
    }

    private static CommandResult noSpace() {
        return error(CommandError.Code.NO_SPACE, "etcdserver: mvcc: database space exceeded");
    }

    private static CommandResult leaseNotFound() {
        return CommandResult.newBuilder().setError(leaseNotFoundError()).build();
    }

    private static CommandError leaseNotFoundError() {
        return errorOf(CommandError.Code.LEASE_NOT_FOUND, "etcdserver: requested lease not found");
    }

    private static CommandResult memberNotFound() {
        return error(CommandError.Code.MEMBER_NOT_FOUND, "etcdserver: member not found");
    }

    private static CommandResult error(CommandError.Code code, String message) {
        return CommandResult.newBuilder().setError(errorOf(code, message)).build();
    }

    private static CommandError errorOf(CommandError.Code code, String message) {
        return CommandError.newBuilder().setCode(code).setMessage(message).build();
    }
}
