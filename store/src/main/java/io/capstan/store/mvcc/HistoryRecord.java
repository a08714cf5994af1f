package io.capstan.store.mvcc;

import io.capstan.proto.etcd.mvcc.KeyValue;

/**
 * One revision of one key as the store keeps it: a put ({@code kv} is the full key-value) or a
 * tombstone ({@code kv} carries only the key and the delete's {@code mod_revision}, as an etcd
 * DELETE event does). Snapshots stream these in revision order and restore reads them back.
 */
public record HistoryRecord(Revision revision, KeyValue kv, boolean isTombstone) {

    static HistoryRecord put(Revision revision, KeyValue kv) {
        return new HistoryRecord(revision, kv, false);
    }

    static HistoryRecord tombstone(Revision revision, com.google.protobuf.ByteString key) {
        return new HistoryRecord(
                revision,
                KeyValue.newBuilder()
                        .setKey(key)
                        .setModRevision(revision.main())
                        .build(),
                true);
    }

    /** Accounted bytes: key and value plus {@link MvccStore#RECORD_OVERHEAD_BYTES}. */
    long sizeBytes() {
        return kv.getKey().size() + (long) kv.getValue().size() + MvccStore.RECORD_OVERHEAD_BYTES;
    }
}
