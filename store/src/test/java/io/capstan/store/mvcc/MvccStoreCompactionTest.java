package io.capstan.store.mvcc;

import static io.capstan.store.mvcc.Keys.bytes;
import static io.capstan.store.mvcc.Keys.delete;
import static io.capstan.store.mvcc.Keys.keysAt;
import static io.capstan.store.mvcc.Keys.put;
import static io.capstan.store.mvcc.Keys.valueAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MvccStoreCompactionTest {
    private final MvccStore store = new MvccStore();

    @Test
    void readsBelowCompactRevisionFailWithIt() {
        put(store, "a", "1");
        put(store, "a", "2");
        store.compact(3);

        assertThatThrownBy(() -> store.read(2))
                .isInstanceOfSatisfying(
                        CompactedException.class,
                        e -> assertThat(e.compactRevision()).isEqualTo(3));
        assertThat(valueAt(store, "a", 3)).isEqualTo("2");
    }

    @Test
    void compactMustMoveForwardAndNotPassTheCurrentRevision() {
        put(store, "a", "1");
        put(store, "a", "2");
        store.compact(2);

        assertThatThrownBy(() -> store.compact(2))
                .isInstanceOfSatisfying(
                        CompactedException.class,
                        e -> assertThat(e.compactRevision()).isEqualTo(2));
        assertThatThrownBy(() -> store.compact(4))
                .isInstanceOfSatisfying(
                        FutureRevisionException.class,
                        e -> assertThat(e.currentRevision()).isEqualTo(3));
    }

    @Test
    void physicalCompactionKeepsLatestAtCompactRevisionAndEverythingAfter() {
        put(store, "a", "1"); // 2
        put(store, "a", "2"); // 3
        put(store, "b", "1"); // 4
        put(store, "a", "3"); // 5
        long before = store.sizeBytes();
        store.compact(4);

        assertThat(store.compactPhysically()).isEqualTo(1);
        assertThat(store.sizeBytes()).isEqualTo(before - (1 + 1 + MvccStore.RECORD_OVERHEAD_BYTES));
        assertThat(valueAt(store, "a", 4)).isEqualTo("2");
        assertThat(valueAt(store, "b", 4)).isEqualTo("1");
        assertThat(valueAt(store, "a", 5)).isEqualTo("3");
    }

    @Test
    void tombstonedKeysVanishAtCompaction() {
        put(store, "a", "1"); // 2
        delete(store, "a"); // 3
        put(store, "b", "1"); // 4
        store.compact(4);

        assertThat(store.compactPhysically()).isEqualTo(2);
        assertThat(keysAt(store, 4)).containsExactly("b");
        assertThat(store.keyIndex(bytes("a"))).isNull();
    }

    @Test
    void tombstoneAfterCompactRevisionStays() {
        put(store, "a", "1"); // 2
        put(store, "b", "1"); // 3
        delete(store, "a"); // 4
        store.compact(3);
        store.compactPhysically();

        assertThat(valueAt(store, "a", 3)).isEqualTo("1");
        assertThat(valueAt(store, "a", 4)).isEqualTo("<absent>");
        assertThat(store.events(bytes("a"), Keys.NONE, 3, 4, 0)).hasSize(1);
    }

    @Test
    void physicalCompactionLeavesWhatAnOpenSnapshotNeeds() {
        put(store, "a", "1"); // 2
        put(store, "a", "2"); // 3
        store.compact(2);
        MvccSnapshot snapshot = store.snapshot();
        put(store, "a", "3"); // 4
        store.compact(4);

        store.compactPhysically();
        assertThat(snapshot.recordCount()).isEqualTo(2);

        snapshot.close();
        store.compactPhysically();
        KeyIndex a = store.keyIndex(bytes("a"));
        assertThat(a).isNotNull();
        assertThat(a == null ? -1 : a.size()).isEqualTo(1);
    }

    @Test
    void hashDoesNotDependOnPhysicalCompaction() {
        put(store, "a", "1");
        put(store, "a", "2");
        delete(store, "a");
        put(store, "b", "1");
        store.compact(4);
        KvHash beforeRemoval = store.hash(0);

        store.compactPhysically();

        assertThat(store.hash(0)).isEqualTo(beforeRemoval);
        assertThatThrownBy(() -> store.hash(3)).isInstanceOf(CompactedException.class);
    }
}
