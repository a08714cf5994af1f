package io.capstan.store.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class LeaseTableTest {
    private final LeaseTable table = new LeaseTable();

    private static ByteString key(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void grantTwiceFailsWithTheId() {
        table.grant(7, 10);
        assertThatThrownBy(() -> table.grant(7, 20))
                .isInstanceOfSatisfying(
                        LeaseExistsException.class, e -> assertThat(e.id()).isEqualTo(7));
    }

    @Test
    void revokeReturnsAttachedKeysSorted() {
        table.grant(1, 10);
        table.attach(1, key("b"));
        table.attach(1, key("a"));
        table.attach(1, ByteString.copyFrom(new byte[] {(byte) 0xff}));
        table.attach(1, key("c"));
        table.detach(1, key("c"));

        assertThat(table.revoke(1)).containsExactly(key("a"), key("b"), ByteString.copyFrom(new byte[] {(byte) 0xff}));
        assertThat(table.contains(1)).isFalse();
    }

    @Test
    void unknownLeaseFailsWithTheId() {
        assertThatThrownBy(() -> table.revoke(9))
                .isInstanceOfSatisfying(
                        LeaseNotFoundException.class, e -> assertThat(e.id()).isEqualTo(9));
        assertThatThrownBy(() -> table.attach(9, key("a"))).isInstanceOf(LeaseNotFoundException.class);
        assertThatThrownBy(() -> table.checkpoint(9, 3)).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void idsAreSortedAndCheckpointIsKept() {
        table.grant(30, 10);
        table.grant(2, 10);
        table.grant(11, 10);
        table.checkpoint(11, 4);

        assertThat(table.ids()).containsExactly(2L, 11L, 30L);
        assertThat(table.get(11)).get().extracting(Lease::remainingTtlSeconds).isEqualTo(4L);
        assertThat(table.get(12)).isEmpty();
    }
}
