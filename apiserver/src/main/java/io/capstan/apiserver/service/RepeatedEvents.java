package io.capstan.apiserver.service;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.TxnGuard;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Recognises a repeated Event: one with the same namespace, involved object (kind, name, uid, field
 * path), reason, message, type and source as a stored one. Each stored Event has an index key,
 * {@code /capstan/events/occurrences/<namespace>/<sha256 of those fields>}, naming it; the key is
 * written in the Event's own transaction, on the same lease, so the two appear and expire together
 * and two servers recording the same occurrence at once cannot both add an object.
 */
final class RepeatedEvents {
    static final String PREFIX = "/capstan/events/occurrences/";

    private final KvStore kv;
    private final Duration timeout;

    RepeatedEvents(KvStore kv, Duration timeout) {
        this.kv = kv;
        this.timeout = timeout;
    }

    /** The name of the stored Event that {@code event} repeats, if there is one. */
    Optional<String> find(Event event) {
        RangeResponse response = Futures.await(
                kv.range(RangeRequest.newBuilder().setKey(key(event)).build()), timeout);
        return response.getKvsCount() == 0
                ? Optional.empty()
                : Optional.of(response.getKvs(0).getValue().toStringUtf8());
    }

    /** The guard that writes {@code event} as the first of its occurrence, on {@code lease}. */
    TxnGuard claim(Event event, long lease) {
        ByteString key = key(event);
        Compare absent = Compare.newBuilder()
                .setKey(key)
                .setTarget(Compare.CompareTarget.CREATE)
                .setResult(Compare.CompareResult.EQUAL)
                .setCreateRevision(0)
                .build();
        return new TxnGuard(List.of(absent), List.of(index(event, lease)), lease);
    }

    /** The guard for a write of an existing event: its index key moves to the write's lease too. */
    TxnGuard refresh(Event event, long lease) {
        return new TxnGuard(List.of(), List.of(index(event, lease)), lease);
    }

    /** The op that drops the index key of {@code event}, for the transaction that deletes it. */
    static TxnGuard release(Event event) {
        return new TxnGuard(
                List.of(),
                List.of(RequestOp.newBuilder()
                        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(key(event)))
                        .build()),
                0);
    }

    /** Drops an index key that still names {@code name}, an Event that no longer exists. */
    void forget(Event event, String name) {
        ByteString key = key(event);
        Futures.await(
                kv.txn(TxnRequest.newBuilder()
                        .addCompare(Compare.newBuilder()
                                .setKey(key)
                                .setTarget(Compare.CompareTarget.VALUE)
                                .setResult(Compare.CompareResult.EQUAL)
                                .setValue(ByteString.copyFromUtf8(name)))
                        .addSuccess(RequestOp.newBuilder()
                                .setRequestDeleteRange(
                                        DeleteRangeRequest.newBuilder().setKey(key)))
                        .build()),
                timeout);
    }

    private static RequestOp index(Event event, long lease) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder()
                        .setKey(key(event))
                        .setValue(ByteString.copyFromUtf8(event.getMetadata().getName()))
                        .setLease(lease))
                .build();
    }

    static ByteString key(Event event) {
        String occurrence = String.join(
                "\u0000",
                event.getInvolvedObject().getKind(),
                event.getInvolvedObject().getName(),
                event.getInvolvedObject().getUid(),
                event.getInvolvedObject().getFieldPath(),
                event.getReason(),
                event.getMessage(),
                event.getType().name(),
                event.getSource().getComponent(),
                event.getSource().getHost());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(occurrence.getBytes(StandardCharsets.UTF_8));
            return ByteString.copyFromUtf8(PREFIX + event.getMetadata().getNamespace() + "/"
                    + HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
