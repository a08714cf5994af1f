package io.capstan.store.mvcc;

import static io.capstan.store.mvcc.Keys.ALL;
import static io.capstan.store.mvcc.Keys.NONE;
import static io.capstan.store.mvcc.Keys.bytes;
import static io.capstan.store.mvcc.Keys.delete;
import static io.capstan.store.mvcc.Keys.keysAt;
import static io.capstan.store.mvcc.Keys.put;
import static io.capstan.store.mvcc.Keys.valueAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class MvccStoreTest {
    private final MvccStore store = new MvccStore();

    @Test
    void freshStoreIsAtRevisionOneAndFirstWriteIsTwo() {
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(put(store, "a", "1")).isEqualTo(2);
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    @Test
    void putsTrackCreateModAndVersion() {
        put(store, "a", "1");
        put(store, "b", "x");
        put(store, "a", "2");

        KeyValue a = store.read(0).range(bytes("a"), NONE).get(0);
        assertThat(a.getCreateRevision()).isEqualTo(2);
        assertThat(a.getModRevision()).isEqualTo(4);
        assertThat(a.getVersion()).isEqualTo(2);
        assertThat(a.getValue().toStringUtf8()).isEqualTo("2");
    }

    @Test
    void readsAtOldRevisionsSeeHistory() {
        put(store, "a", "1");
        put(store, "a", "2");
        delete(store, "a");
        put(store, "a", "3");

        assertThat(valueAt(store, "a", 1)).isEqualTo("<absent>");
        assertThat(valueAt(store, "a", 2)).isEqualTo("1");
        assertThat(valueAt(store, "a", 3)).isEqualTo("2");
        assertThat(valueAt(store, "a", 4)).isEqualTo("<absent>");
        assertThat(valueAt(store, "a", 5)).isEqualTo("3");
    }

    @Test
    void deleteThenRecreateStartsANewGeneration() {
        put(store, "a", "1");
        put(store, "a", "2");
        delete(store, "a");
        put(store, "a", "3");

        KeyValue a = store.read(0).range(bytes("a"), NONE).get(0);
        assertThat(a.getVersion()).isEqualTo(1);
        assertThat(a.getCreateRevision()).isEqualTo(5);
        assertThat(a.getModRevision()).isEqualTo(5);
    }

    @Test
    void changesInOneTxnShareTheMainRevisionAndSeeEachOther() {
        WriteTxn txn = store.write();
        assertThat(txn.put(bytes("a"), bytes("1"), 0)).isNull();
        KeyValue prev = txn.put(bytes("a"), bytes("2"), 7);
        txn.put(bytes("b"), bytes("x"), 0);
        assertThat(txn.range(ALL, ALL))
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("a", "b");
        List<KeyValue> deleted = txn.deleteRange(bytes("b"), NONE);
        TxnResult result = txn.end();

        assertThat(prev)
                .isNotNull()
                .extracting(kv -> kv.getValue().toStringUtf8())
                .isEqualTo("1");
        assertThat(deleted).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("b");
        assertThat(result.revision()).isEqualTo(2);
        assertThat(result.events())
                .extracting(Event::getType)
                .containsExactly(Event.EventType.PUT, Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE);
        assertThat(result.events().get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
        assertThat(result.events().get(1).getKv().getVersion()).isEqualTo(2);
        assertThat(result.events().get(1).getKv().getLease()).isEqualTo(7);
        assertThat(result.events().get(3).getKv().getModRevision()).isEqualTo(2);
        assertThat(keysAt(store, 2)).containsExactly("a");
    }

    @Test
    void txnThatChangesNothingKeepsTheRevision() {
        put(store, "a", "1");
        WriteTxn txn = store.write();
        txn.range(ALL, ALL);
        assertThat(txn.deleteRange(bytes("zz"), NONE)).isEmpty();
        TxnResult result = txn.end();

        assertThat(result.revision()).isEqualTo(2);
        assertThat(result.hasChanges()).isFalse();
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    @Test
    void openTxnIsInvisibleToReaders() {
        put(store, "a", "1");
        WriteTxn txn = store.write();
        txn.put(bytes("a"), bytes("2"), 0);
        txn.put(bytes("new"), bytes("x"), 0);

        assertThat(keysAt(store, 0)).containsExactly("a");
        assertThat(valueAt(store, "a", 0)).isEqualTo("1");
        txn.end();
        assertThat(valueAt(store, "a", 0)).isEqualTo("2");
    }

    @Test
    void rangesFollowEtcdRangeEnds() {
        for (String key : List.of("a", "b", "ba", "c", "d")) {
            put(store, key, key);
        }
        ReadView view = store.read(0);

        assertThat(view.range(bytes("b"), bytes("c")))
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("b", "ba");
        assertThat(view.range(bytes("c"), ALL))
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("c", "d");
        assertThat(view.range(ALL, ALL)).hasSize(5);
        assertThat(view.range(bytes("d"), bytes("a"))).isEmpty();
        assertThat(view.range(bytes("ba"), NONE)).hasSize(1);
    }

    @Test
    void keysCompareAsUnsignedBytes() {
        put(store, "a", "1");
        WriteTxn txn = store.write();
        txn.put(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff}), bytes("high"), 0);
        txn.end();

        assertThat(store.read(0).range(bytes("a"), ALL)).hasSize(2);
        assertThat(store.read(0).range(ALL, ALL).get(1).getValue().toStringUtf8())
                .isEqualTo("high");
    }

    @Test
    void futureRevisionFails() {
        assertThatThrownBy(() -> store.read(5))
                .isInstanceOfSatisfying(
                        FutureRevisionException.class,
                        e -> assertThat(e.currentRevision()).isEqualTo(1));
    }

    @Test
    void secondOpenTxnIsABrokenInvariant() {
        store.write();
        assertThatThrownBy(store::write).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sizeCountsKeyValueAndOverheadPerRecord() {
        put(store, "ab", "xyz");
        delete(store, "ab");

        assertThat(store.sizeBytes())
                .isEqualTo((2 + 3 + MvccStore.RECORD_OVERHEAD_BYTES) + (2 + MvccStore.RECORD_OVERHEAD_BYTES));
    }
}
