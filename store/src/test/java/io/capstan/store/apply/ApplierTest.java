package io.capstan.store.apply;

import static io.capstan.store.apply.Commands.ALL;
import static io.capstan.store.apply.Commands.alarm;
import static io.capstan.store.apply.Commands.bytes;
import static io.capstan.store.apply.Commands.compact;
import static io.capstan.store.apply.Commands.delete;
import static io.capstan.store.apply.Commands.grant;
import static io.capstan.store.apply.Commands.put;
import static io.capstan.store.apply.Commands.putRequest;
import static io.capstan.store.apply.Commands.revoke;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.store.v1.CommandError;
import io.capstan.proto.store.v1.CommandResult;
import io.capstan.proto.store.v1.LeaseCheckpoint;
import io.capstan.proto.store.v1.MemberAdd;
import io.capstan.proto.store.v1.MemberPublish;
import io.capstan.proto.store.v1.MemberRemove;
import io.capstan.proto.store.v1.StoreCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplierTest {
    private final RecordingChangeListener changes = new RecordingChangeListener();
    private final List<String> leaseEvents = new ArrayList<>();
    private final Applier applier = new Applier(changes, new LeaseListener() {
        @Override
        public void onGranted(long id, long ttlSeconds) {
            leaseEvents.add("granted " + id);
        }

        @Override
        public void onRevoked(long id) {
            leaseEvents.add("revoked " + id);
        }
    });

    private String value(String key) {
        var kvs = new Reads(applier.mvcc())
                .range(RangeRequest.newBuilder().setKey(bytes(key)).build())
                .getKvsList();
        return kvs.isEmpty() ? "<absent>" : kvs.get(0).getValue().toStringUtf8();
    }

    private static CommandError.Code errorCode(CommandResult result) {
        return result.hasError() ? result.getError().getCode() : CommandError.Code.UNKNOWN;
    }

    @Test
    void putReturnsNewRevisionAndPrevKv() {
        applier.apply(put("a", "1"));
        CommandResult result = applier.apply(StoreCommand.newBuilder()
                .setPut(putRequest("a", "2").toBuilder().setPrevKv(true))
                .build());

        assertThat(result.getPut().getHeader().getRevision()).isEqualTo(3);
        assertThat(result.getPut().getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
        assertThat(changes.batches)
                .extracting(RecordingChangeListener.Batch::revision)
                .containsExactly(2L, 3L);
    }

    @Test
    void putWithUnknownLeaseFails() {
        assertThat(errorCode(applier.apply(put("a", "1", 99)))).isEqualTo(CommandError.Code.LEASE_NOT_FOUND);
        assertThat(applier.mvcc().currentRevision()).isEqualTo(1);
    }

    @Test
    void ignoreValueAndLeaseNeedAnExistingKey() {
        CommandResult missing = applier.apply(StoreCommand.newBuilder()
                .setPut(putRequest("a", "").toBuilder().setIgnoreValue(true))
                .build());
        assertThat(errorCode(missing)).isEqualTo(CommandError.Code.KEY_NOT_FOUND);

        applier.apply(grant(5, 60));
        applier.apply(put("a", "kept", 5));
        applier.apply(StoreCommand.newBuilder()
                .setPut(putRequest("a", "").toBuilder().setIgnoreValue(true).setIgnoreLease(true))
                .build());
        var kv = applier.mvcc()
                .read(0)
                .range(bytes("a"), com.google.protobuf.ByteString.EMPTY)
                .get(0);
        assertThat(kv.getValue().toStringUtf8()).isEqualTo("kept");
        assertThat(kv.getLease()).isEqualTo(5);
        assertThat(kv.getVersion()).isEqualTo(2);
    }

    @Test
    void deleteRangeReturnsCountAndPrevKvs() {
        applier.apply(put("a", "1"));
        applier.apply(put("b", "2"));
        applier.apply(put("c", "3"));

        CommandResult result = applier.apply(delete("a", "c"));

        assertThat(result.getDeleteRange().getDeleted()).isEqualTo(2);
        assertThat(result.getDeleteRange().getPrevKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("a", "b");
        assertThat(result.getDeleteRange().getHeader().getRevision()).isEqualTo(5);
    }

    @Test
    void deleteOfNothingKeepsTheRevisionAndNotifiesNobody() {
        applier.apply(put("a", "1"));
        CommandResult result = applier.apply(delete("x", ""));

        assertThat(result.getDeleteRange().getDeleted()).isZero();
        assertThat(result.getDeleteRange().getHeader().getRevision()).isEqualTo(2);
        assertThat(changes.batches).hasSize(1);
    }

    @Test
    void compactionIsLogicalAndReportsErrors() {
        applier.apply(put("a", "1"));
        applier.apply(put("a", "2"));

        assertThat(applier.apply(compact(3)).getCompaction().getHeader().getRevision())
                .isEqualTo(3);
        CommandResult again = applier.apply(compact(2));
        assertThat(errorCode(again)).isEqualTo(CommandError.Code.COMPACTED);
        assertThat(again.getError().getCompactRevision()).isEqualTo(3);
        assertThat(errorCode(applier.apply(compact(10)))).isEqualTo(CommandError.Code.FUTURE_REVISION);
    }

    @Test
    void leaseGrantTwiceFails() {
        CommandResult granted = applier.apply(grant(7, 30));
        assertThat(granted.getLeaseGrant().getID()).isEqualTo(7);
        assertThat(granted.getLeaseGrant().getTTL()).isEqualTo(30);
        assertThat(errorCode(applier.apply(grant(7, 30)))).isEqualTo(CommandError.Code.LEASE_EXISTS);
        assertThat(leaseEvents).containsExactly("granted 7");
    }

    @Test
    void leaseRevokeDeletesEveryAttachedKeyInOneRevision() {
        applier.apply(grant(7, 30));
        applier.apply(put("b", "1", 7));
        applier.apply(put("a", "1", 7));
        applier.apply(put("c", "1"));
        applier.apply(put("d", "1", 7));
        applier.apply(put("d", "2")); // moves d off the lease

        CommandResult result = applier.apply(revoke(7));

        assertThat(result.getLeaseRevoke().getHeader().getRevision()).isEqualTo(7);
        RecordingChangeListener.Batch last = changes.batches.get(changes.batches.size() - 1);
        assertThat(last.revision()).isEqualTo(7);
        assertThat(last.events())
                .extracting(e -> e.getKv().getKey().toStringUtf8())
                .containsExactly("a", "b");
        assertThat(last.events()).extracting(Event::getType).containsOnly(Event.EventType.DELETE);
        assertThat(value("c")).isEqualTo("1");
        assertThat(value("d")).isEqualTo("2");
        assertThat(leaseEvents).containsExactly("granted 7", "revoked 7");
        assertThat(errorCode(applier.apply(revoke(7)))).isEqualTo(CommandError.Code.LEASE_NOT_FOUND);
    }

    @Test
    void leaseCheckpointRecordsRemainingTtl() {
        applier.apply(grant(7, 30));
        CommandResult result = applier.apply(StoreCommand.newBuilder()
                .setLeaseCheckpoint(LeaseCheckpoint.newBuilder().setId(7).setRemainingTtlSeconds(12))
                .build());

        assertThat(result.hasDone()).isTrue();
        assertThat(applier.leases().get(7))
                .get()
                .extracting(l -> l.remainingTtlSeconds())
                .isEqualTo(12L);
        assertThat(errorCode(applier.apply(StoreCommand.newBuilder()
                        .setLeaseCheckpoint(LeaseCheckpoint.newBuilder().setId(8))
                        .build())))
                .isEqualTo(CommandError.Code.LEASE_NOT_FOUND);
    }

    @Test
    void noSpaceBlocksPutsAndGrantsButNotDeletesCompactionsOrRevokes() {
        applier.apply(grant(7, 30));
        applier.apply(put("a", "1", 7));
        applier.apply(put("b", "1"));
        applier.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 1, AlarmType.NOSPACE));

        assertThat(errorCode(applier.apply(put("c", "1")))).isEqualTo(CommandError.Code.NO_SPACE);
        assertThat(errorCode(applier.apply(Commands.txn(io.capstan.proto.etcd.TxnRequest.newBuilder()
                        .addFailure(Commands.opPut("c", "1"))
                        .build()))))
                .isEqualTo(CommandError.Code.NO_SPACE);
        assertThat(errorCode(applier.apply(grant(8, 30)))).isEqualTo(CommandError.Code.NO_SPACE);
        assertThat(applier.apply(delete("b", "")).hasDeleteRange()).isTrue();
        assertThat(applier.apply(compact(3)).hasCompaction()).isTrue();
        assertThat(applier.apply(revoke(7)).hasLeaseRevoke()).isTrue();

        applier.apply(alarm(AlarmRequest.AlarmAction.DEACTIVATE, 1, AlarmType.NOSPACE));
        assertThat(applier.apply(put("c", "1")).hasPut()).isTrue();
    }

    @Test
    void alarmsAreKeptPerMember() {
        applier.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 2, AlarmType.CORRUPT));
        applier.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 1, AlarmType.NOSPACE));

        assertThat(applier.alarms()).extracting(a -> a.getMemberID()).containsExactly(1L, 2L);
        assertThat(applier.isAlarmActive(AlarmType.CORRUPT)).isTrue();
    }

    @Test
    void deactivatingForMemberZeroClearsThatAlarmOnEveryMember() {
        applier.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 1, AlarmType.NOSPACE));
        applier.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 2, AlarmType.NOSPACE));
        applier.apply(alarm(AlarmRequest.AlarmAction.ACTIVATE, 2, AlarmType.CORRUPT));

        applier.apply(alarm(AlarmRequest.AlarmAction.DEACTIVATE, 0, AlarmType.NOSPACE));

        assertThat(applier.alarms()).extracting(a -> a.getAlarm()).containsExactly(AlarmType.CORRUPT);
        assertThat(applier.isAlarmActive(AlarmType.NOSPACE)).isFalse();
    }

    @Test
    void quotaCheckUsesTheAccountedSize() {
        applier.apply(put("a", "1"));

        assertThat(applier.wouldExceedQuota(applier.mvcc().sizeBytes())).isFalse();
        assertThat(applier.wouldExceedQuota(applier.mvcc().sizeBytes() - 1)).isTrue();
        assertThat(applier.wouldExceedQuota(0)).isFalse();
    }

    @Test
    void membersAreAddedPublishedAndRemoved() {
        StoreCommand add = StoreCommand.newBuilder()
                .setMemberAdd(MemberAdd.newBuilder()
                        .setId(3)
                        .addPeerUrls("http://127.0.0.1:2380")
                        .setIsLearner(true))
                .build();
        assertThat(applier.apply(add).hasDone()).isTrue();
        assertThat(errorCode(applier.apply(add))).isEqualTo(CommandError.Code.MEMBER_EXISTS);

        applier.apply(StoreCommand.newBuilder()
                .setMemberPublish(
                        MemberPublish.newBuilder().setId(3).setName("p3").addClientUrls("http://127.0.0.1:2379"))
                .build());
        assertThat(applier.members()).singleElement().satisfies(m -> {
            assertThat(m.getName()).isEqualTo("p3");
            assertThat(m.getPeerURLsList()).containsExactly("http://127.0.0.1:2380");
            assertThat(m.getClientURLsList()).containsExactly("http://127.0.0.1:2379");
            assertThat(m.getIsLearner()).isTrue();
        });

        StoreCommand remove = StoreCommand.newBuilder()
                .setMemberRemove(MemberRemove.newBuilder().setId(3))
                .build();
        assertThat(applier.apply(remove).hasDone()).isTrue();
        assertThat(errorCode(applier.apply(remove))).isEqualTo(CommandError.Code.MEMBER_NOT_FOUND);
    }

    @Test
    void publishRecordsAMemberOfTheInitialConfiguration() {
        applier.apply(StoreCommand.newBuilder()
                .setMemberPublish(MemberPublish.newBuilder()
                        .setId(7)
                        .setName("s1")
                        .addPeerUrls("http://127.0.0.1:2380")
                        .addClientUrls("http://127.0.0.1:2379"))
                .build());
        assertThat(applier.members()).singleElement().satisfies(m -> {
            assertThat(m.getID()).isEqualTo(7);
            assertThat(m.getName()).isEqualTo("s1");
            assertThat(m.getClientURLsList()).containsExactly("http://127.0.0.1:2379");
        });
    }

    @Test
    void emptyCommandIsInvalid() {
        assertThat(errorCode(applier.apply(StoreCommand.getDefaultInstance()))).isEqualTo(CommandError.Code.INVALID);
    }

    @Test
    void rangeEverythingFromTheStart() {
        applier.apply(put("a", "1"));
        assertThat(new Reads(applier.mvcc())
                        .range(RangeRequest.newBuilder()
                                .setKey(ALL)
                                .setRangeEnd(ALL)
                                .build())
                        .getCount())
                .isEqualTo(1);
    }
}
