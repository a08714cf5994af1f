package io.capstan.store.apply;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.store.v1.AlarmChange;
import io.capstan.proto.store.v1.LeaseGrant;
import io.capstan.proto.store.v1.LeaseRevoke;
import io.capstan.proto.store.v1.StoreCommand;

/** Builders for store commands in tests. */
final class Commands {
    static final ByteString ALL = ByteString.copyFrom(new byte[] {0});

    private Commands() {}

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static PutRequest putRequest(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    static StoreCommand put(String key, String value) {
        return StoreCommand.newBuilder().setPut(putRequest(key, value)).build();
    }

    static StoreCommand put(String key, String value, long lease) {
        return StoreCommand.newBuilder()
                .setPut(putRequest(key, value).toBuilder().setLease(lease))
                .build();
    }

    static StoreCommand delete(String key, String rangeEnd) {
        return StoreCommand.newBuilder()
                .setDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(bytes(key))
                        .setRangeEnd(bytes(rangeEnd))
                        .setPrevKv(true))
                .build();
    }

    static StoreCommand txn(TxnRequest request) {
        return StoreCommand.newBuilder().setTxn(request).build();
    }

    static RequestOp opPut(String key, String value) {
        return RequestOp.newBuilder().setRequestPut(putRequest(key, value)).build();
    }

    static RequestOp opRange(String key, String rangeEnd) {
        return RequestOp.newBuilder()
                .setRequestRange(RangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(rangeEnd)))
                .build();
    }

    static RequestOp opDelete(String key) {
        return RequestOp.newBuilder()
                .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key)))
                .build();
    }

    static Compare versionEquals(String key, String rangeEnd, long version) {
        return Compare.newBuilder()
                .setKey(bytes(key))
                .setRangeEnd(bytes(rangeEnd))
                .setTarget(Compare.CompareTarget.VERSION)
                .setResult(Compare.CompareResult.EQUAL)
                .setVersion(version)
                .build();
    }

    static StoreCommand compact(long revision) {
        return StoreCommand.newBuilder()
                .setCompaction(CompactionRequest.newBuilder().setRevision(revision))
                .build();
    }

    static StoreCommand grant(long id, long ttlSeconds) {
        return StoreCommand.newBuilder()
                .setLeaseGrant(LeaseGrant.newBuilder().setId(id).setTtlSeconds(ttlSeconds))
                .build();
    }

    static StoreCommand revoke(long id) {
        return StoreCommand.newBuilder()
                .setLeaseRevoke(LeaseRevoke.newBuilder().setId(id))
                .build();
    }

    static StoreCommand alarm(AlarmRequest.AlarmAction action, long memberId, AlarmType alarm) {
        return StoreCommand.newBuilder()
                .setAlarm(AlarmChange.newBuilder()
                        .setAction(action)
                        .setMemberId(memberId)
                        .setAlarm(alarm))
                .build();
    }
}
