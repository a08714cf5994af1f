package io.capstan.store.mvcc;

import static io.capstan.store.mvcc.Keys.ALL;
import static io.capstan.store.mvcc.Keys.NONE;
import static io.capstan.store.mvcc.Keys.bytes;
import static io.capstan.store.mvcc.Keys.delete;
import static io.capstan.store.mvcc.Keys.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MvccStoreSnapshotTest {
    private final MvccStore store = new MvccStore();

    @Test
    void eventsNeverSplitOneRevisionAtTheLimit() {
        put(store, "a", "0"); // 2
        WriteTxn txn = store.write(); // 3: three changes in one revision
        txn.put(bytes("x"), bytes("1"), 0);
        txn.put(bytes("y"), bytes("1"), 0);
        txn.put(bytes("z"), bytes("1"), 0);
        txn.end();
        put(store, "b", "0"); // 4

        List<Event> events = store.events(ALL, ALL, 2, 4, 2);

        assertThat(events).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("a", "x", "y", "z");
    }

    @Test
    void eventsReplayInRevisionOrderWithPrevKv() {
        put(store, "a", "1"); // 2
        put(store, "b", "1"); // 3
        put(store, "a", "2"); // 4
        delete(store, "a"); // 5
        put(store, "a", "3"); // 6

        List<Event> events = store.events(bytes("a"), NONE, 2, 6, 0);

        assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(2L, 4L, 5L, 6L);
        assertThat(events.get(0).hasPrevKv()).isFalse();
        assertThat(events.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
        assertThat(events.get(2).getType()).isEqualTo(Event.EventType.DELETE);
        assertThat(events.get(2).getPrevKv().getValue().toStringUtf8()).isEqualTo("2");
        assertThat(events.get(3).hasPrevKv()).isFalse();
        assertThat(store.events(ALL, ALL, 3, 4, 0))
                .extracting(e -> e.getKv().getModRevision())
                .containsExactly(3L, 4L);
        assertThat(store.events(ALL, ALL, 2, 100, 2)).hasSize(2);
    }

    @Test
    void eventsMayStartAtButNotBelowTheCompactRevision() {
        put(store, "a", "1");
        put(store, "a", "2");
        store.compact(3);

        assertThat(store.events(ALL, ALL, 3, 3, 0)).hasSize(1);
        assertThatThrownBy(() -> store.events(ALL, ALL, 2, 3, 0))
                .isInstanceOfSatisfying(
                        CompactedException.class,
                        e -> assertThat(e.compactRevision()).isEqualTo(3));
    }

    @Test
    void snapshotRoundTripsWhileWritesContinue() {
        put(store, "a", "1"); // 2
        put(store, "b", "1"); // 3
        put(store, "a", "2"); // 4
        delete(store, "b"); // 5
        put(store, "c", "1"); // 6
        store.compact(3);
        MvccSnapshot snapshot = store.snapshot();

        put(store, "a", "later");
        store.compact(7);
        store.compactPhysically();
        List<HistoryRecord> records = new ArrayList<>();
        snapshot.records().forEachRemaining(records::add);
        snapshot.close();
        MvccStore restored = MvccStore.restore(snapshot.revision(), snapshot.compactRevision(), records.iterator());

        assertThat(restored.currentRevision()).isEqualTo(6);
        assertThat(restored.compactRevision()).isEqualTo(3);
        for (long rev = 3; rev <= 6; rev++) {
            assertThat(restored.read(rev).range(ALL, ALL))
                    .as("revision %d", rev)
                    .isEqualTo(reference(rev));
        }
        assertThat(restored.events(ALL, ALL, 3, 6, 0)).isEqualTo(referenceEvents());
        assertThat(restored.hash(6)).isEqualTo(referenceHash());
    }

    // The same history as above, never compacted, as the oracle.
    private static MvccStore oracle() {
        MvccStore oracle = new MvccStore();
        put(oracle, "a", "1");
        put(oracle, "b", "1");
        put(oracle, "a", "2");
        delete(oracle, "b");
        put(oracle, "c", "1");
        oracle.compact(3);
        return oracle;
    }

    private static List<io.capstan.proto.etcd.mvcc.KeyValue> reference(long rev) {
        return oracle().read(rev).range(ALL, ALL);
    }

    private static List<Event> referenceEvents() {
        return oracle().events(ALL, ALL, 3, 6, 0);
    }

    private static KvHash referenceHash() {
        return oracle().hash(6);
    }

    @Test
    void restoreRejectsRecordsOutOfOrder() {
        put(store, "a", "1");
        put(store, "a", "2");
        List<HistoryRecord> records = new ArrayList<>();
        store.snapshot().records().forEachRemaining(records::add);
        java.util.Collections.reverse(records);

        assertThatThrownBy(() -> MvccStore.restore(3, 0, records.iterator())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void restoredStoreAccountsTheSameSize() {
        put(store, "a", "1");
        put(store, "bb", "22");
        MvccSnapshot snapshot = store.snapshot();

        MvccStore restored = MvccStore.restore(snapshot.revision(), snapshot.compactRevision(), snapshot.records());

        assertThat(restored.sizeBytes()).isEqualTo(store.sizeBytes());
    }
}
