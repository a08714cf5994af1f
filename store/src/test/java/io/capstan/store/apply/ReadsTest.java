package io.capstan.store.apply;

import static io.capstan.store.apply.Commands.ALL;
import static io.capstan.store.apply.Commands.bytes;
import static io.capstan.store.apply.Commands.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.store.mvcc.CompactedException;
import io.capstan.store.mvcc.FutureRevisionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReadsTest {
    private final Applier applier = new Applier(ChangeListener.NONE, LeaseListener.NONE);
    private final Reads reads = new Reads(applier.mvcc());

    @BeforeEach
    void fill() {
        applier.apply(put("c", "1")); // 2
        applier.apply(put("a", "3")); // 3
        applier.apply(put("b", "2")); // 4
        applier.apply(put("c", "0")); // 5
    }

    private RangeResponse range(RangeRequest.Builder request) {
        return reads.range(request.setKey(ALL).setRangeEnd(ALL).build());
    }

    @Test
    void limitTruncatesAndCountsEverything() {
        RangeResponse response = range(RangeRequest.newBuilder().setLimit(2));

        assertThat(response.getKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("a", "b");
        assertThat(response.getMore()).isTrue();
        assertThat(response.getCount()).isEqualTo(3);
        assertThat(response.getHeader().getRevision()).isEqualTo(5);
    }

    @Test
    void countOnlyAndKeysOnly() {
        assertThat(range(RangeRequest.newBuilder().setCountOnly(true)).getKvsCount())
                .isZero();
        assertThat(range(RangeRequest.newBuilder().setCountOnly(true)).getCount())
                .isEqualTo(3);
        assertThat(range(RangeRequest.newBuilder().setKeysOnly(true)).getKvsList())
                .allSatisfy(kv -> assertThat(kv.getValue().isEmpty()).isTrue());
    }

    @Test
    void sortTargetWithoutOrderSortsAscending() {
        assertThat(range(RangeRequest.newBuilder().setSortTarget(RangeRequest.SortTarget.VALUE))
                        .getKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("c", "b", "a");
        assertThat(range(RangeRequest.newBuilder()
                                .setSortTarget(RangeRequest.SortTarget.CREATE)
                                .setSortOrder(RangeRequest.SortOrder.DESCEND)
                                .setLimit(1))
                        .getKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("b");
        assertThat(range(RangeRequest.newBuilder().setSortOrder(RangeRequest.SortOrder.DESCEND))
                        .getKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("c", "b", "a");
    }

    @Test
    void revisionFiltersPruneButDoNotChangeCount() {
        RangeResponse response =
                range(RangeRequest.newBuilder().setMinModRevision(4).setMaxCreateRevision(3));

        assertThat(response.getKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("c");
        assertThat(response.getCount()).isEqualTo(3);
    }

    @Test
    void readsAtOldCompactedAndFutureRevisions() {
        assertThat(reads.range(RangeRequest.newBuilder()
                                .setKey(bytes("c"))
                                .setRevision(2)
                                .build())
                        .getKvs(0)
                        .getValue()
                        .toStringUtf8())
                .isEqualTo("1");
        applier.apply(Commands.compact(3));
        assertThatThrownBy(() -> range(RangeRequest.newBuilder().setRevision(2)))
                .isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> range(RangeRequest.newBuilder().setRevision(6)))
                .isInstanceOf(FutureRevisionException.class);
    }
}
