package io.capstan.store.mvcc;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one open write transaction of an {@link MvccStore}; apply thread only. Its reads see its
 * own earlier writes. All its changes share main revision {@code beginRevision + 1} with
 * increasing sub revisions, and become visible to other readers together at {@link #end()}.
 *
 * <p>There is no rollback: the applier checks everything that could fail before the first write.
 */
public final class WriteTxn implements KvView {
    private final MvccStore store;
    private final long beginRevision;
    private final List<Event> events = new ArrayList<>();
    private long nextSub = 0;
    private boolean isEnded = false;

    WriteTxn(MvccStore store, long beginRevision) {
        this.store = store;
        this.beginRevision = beginRevision;
    }

    /** The store revision when this transaction began. */
    public long beginRevision() {
        return beginRevision;
    }

    /** The revision this transaction's changes get. */
    public long writeRevision() {
        return beginRevision + 1;
    }

    @Override
    public List<KeyValue> range(ByteString key, ByteString rangeEnd) {
        checkOpen();
        return store.rangeAt(key, rangeEnd, writeRevision());
    }

    /** The key's current value including this transaction's writes, or null. */
    public @Nullable KeyValue get(ByteString key) {
        checkOpen();
        return store.kvAt(store.keyIndex(key), writeRevision());
    }

    /**
     * Puts {@code value} at {@code key} with {@code lease} (0 for none).
     *
     * @return the key's previous value, or null if it did not exist
     */
    public @Nullable KeyValue put(ByteString key, ByteString value, long lease) {
        KeyValue prev = get(key);
        long main = writeRevision();
        Revision revision = new Revision(main, nextSub++);
        KeyValue kv = KeyValue.newBuilder()
                .setKey(key)
                .setValue(value)
                .setLease(lease)
                .setCreateRevision(prev == null ? main : prev.getCreateRevision())
                .setModRevision(main)
                .setVersion(prev == null ? 1 : prev.getVersion() + 1)
                .build();
        store.append(HistoryRecord.put(revision, kv));
        Event.Builder event = Event.newBuilder().setType(Event.EventType.PUT).setKv(kv);
        if (prev != null) {
            event.setPrevKv(prev);
        }
        events.add(event.build());
        return prev;
    }

    /**
     * Deletes the live keys in the etcd range {@code [key, rangeEnd)}, in key order.
     *
     * @return the deleted keys' previous values, in key order
     */
    public List<KeyValue> deleteRange(ByteString key, ByteString rangeEnd) {
        List<KeyValue> deleted = range(key, rangeEnd);
        for (KeyValue prev : deleted) {
            HistoryRecord tombstone = HistoryRecord.tombstone(new Revision(writeRevision(), nextSub++), prev.getKey());
            store.append(tombstone);
            events.add(Event.newBuilder()
                    .setType(Event.EventType.DELETE)
                    .setKv(tombstone.kv())
                    .setPrevKv(prev)
                    .build());
        }
        return deleted;
    }

    /** Publishes this transaction's changes, if any, and closes it. */
    public TxnResult end() {
        checkOpen();
        isEnded = true;
        long revision = events.isEmpty() ? beginRevision : writeRevision();
        store.publish(this, revision);
        return new TxnResult(revision, events);
    }

    private void checkOpen() {
        if (isEnded) {
            throw new IllegalStateException("write transaction already ended");
        }
    }
}
