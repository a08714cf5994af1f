package io.capstan.store.apply;

import static io.capstan.store.apply.Commands.opDelete;
import static io.capstan.store.apply.Commands.opPut;
import static io.capstan.store.apply.Commands.opRange;
import static io.capstan.store.apply.Commands.put;
import static io.capstan.store.apply.Commands.txn;
import static io.capstan.store.apply.Commands.versionEquals;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.store.v1.CommandError;
import io.capstan.proto.store.v1.CommandResult;
import org.junit.jupiter.api.Test;

class ApplierTxnTest {
    private final RecordingChangeListener changes = new RecordingChangeListener();
    private final Applier applier = new Applier(changes, LeaseListener.NONE);

    private TxnResponse run(TxnRequest request) {
        CommandResult result = applier.apply(txn(request));
        assertThat(result.hasTxn()).as("result %s", result).isTrue();
        return result.getTxn();
    }

    @Test
    void compareOverARangeHoldsOnlyIfItHoldsForEveryKey() {
        applier.apply(put("a/1", "x"));
        applier.apply(put("a/2", "x"));
        applier.apply(put("a/2", "y"));

        assertThat(run(TxnRequest.newBuilder()
                                .addCompare(versionEquals("a/", "a0", 1))
                                .build())
                        .getSucceeded())
                .isFalse();
        applier.apply(put("a/1", "z"));
        assertThat(run(TxnRequest.newBuilder()
                                .addCompare(versionEquals("a/", "a0", 2))
                                .build())
                        .getSucceeded())
                .isTrue();
    }

    @Test
    void missingKeyComparesAsZeroButNeverOnValue() {
        assertThat(run(TxnRequest.newBuilder()
                                .addCompare(versionEquals("nope", "", 0))
                                .build())
                        .getSucceeded())
                .isTrue();
        Compare emptyValue = Compare.newBuilder()
                .setKey(Commands.bytes("nope"))
                .setTarget(Compare.CompareTarget.VALUE)
                .setResult(Compare.CompareResult.EQUAL)
                .setValue(com.google.protobuf.ByteString.EMPTY)
                .build();
        assertThat(run(TxnRequest.newBuilder().addCompare(emptyValue).build()).getSucceeded())
                .isFalse();
    }

    @Test
    void compareTargetsAndResults() {
        applier.apply(put("k", "b")); // rev 2
        Compare.Builder base = Compare.newBuilder().setKey(Commands.bytes("k"));

        assertThat(holds(base.clone()
                        .setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setModRevision(2)))
                .isTrue();
        assertThat(holds(base.clone()
                        .setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.LESS)
                        .setCreateRevision(3)))
                .isTrue();
        assertThat(holds(base.clone()
                        .setTarget(Compare.CompareTarget.VALUE)
                        .setResult(Compare.CompareResult.GREATER)
                        .setValue(Commands.bytes("a"))))
                .isTrue();
        assertThat(holds(base.clone()
                        .setTarget(Compare.CompareTarget.LEASE)
                        .setResult(Compare.CompareResult.NOT_EQUAL)
                        .setLease(0)))
                .isFalse();
    }

    private boolean holds(Compare.Builder compare) {
        return run(TxnRequest.newBuilder().addCompare(compare).build()).getSucceeded();
    }

    @Test
    void opsSeeEarlierWritesAndShareOneRevision() {
        applier.apply(put("a", "1"));

        TxnResponse response = run(TxnRequest.newBuilder()
                .addCompare(versionEquals("a", "", 1))
                .addSuccess(opPut("b", "2"))
                .addSuccess(opDelete("a"))
                .addSuccess(opRange("a", "z"))
                .build());

        assertThat(response.getSucceeded()).isTrue();
        assertThat(response.getHeader().getRevision()).isEqualTo(3);
        assertThat(response.getResponses(2).getResponseRange().getKvsList())
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("b");
        assertThat(changes.batches).hasSize(2);
        assertThat(changes.batches.get(1).events()).hasSize(2);
        assertThat(applier.mvcc().currentRevision()).isEqualTo(3);
    }

    @Test
    void failureBranchAndNestedTxnRun() {
        TxnRequest nested = TxnRequest.newBuilder()
                .addCompare(versionEquals("x", "", 0))
                .addSuccess(opPut("inner", "1"))
                .build();
        TxnResponse response = run(TxnRequest.newBuilder()
                .addCompare(versionEquals("x", "", 5))
                .addSuccess(opPut("never", "1"))
                .addFailure(opPut("x", "1"))
                .addFailure(RequestOp.newBuilder().setRequestTxn(nested))
                .build());

        assertThat(response.getSucceeded()).isFalse();
        // etcd decides nested compares before the txn writes, so x still counts as missing
        assertThat(response.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
        assertThat(response.getResponses(1).getResponseTxn().getHeader().getRevision())
                .isEqualTo(2);
        assertThat(applier.mvcc().read(0).range(Commands.ALL, Commands.ALL))
                .extracting(kv -> kv.getKey().toStringUtf8())
                .containsExactly("inner", "x");
    }

    @Test
    void readOnlyTxnKeepsTheRevision() {
        applier.apply(put("a", "1"));
        TxnResponse response =
                run(TxnRequest.newBuilder().addSuccess(opRange("a", "")).build());

        assertThat(response.getHeader().getRevision()).isEqualTo(2);
        assertThat(changes.batches).hasSize(1);
    }

    @Test
    void failingOpOnThePathChangesNothing() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(opPut("a", "1"))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestPut(Commands.putRequest("b", "1").toBuilder().setLease(42)))
                .build();

        CommandResult result = applier.apply(txn(request));

        assertThat(result.getError().getCode()).isEqualTo(CommandError.Code.LEASE_NOT_FOUND);
        assertThat(applier.mvcc().currentRevision()).isEqualTo(1);
        assertThat(changes.batches).isEmpty();
    }

    @Test
    void rangeAtAFutureRevisionFailsTheTxn() {
        RequestOp future = RequestOp.newBuilder()
                .setRequestRange(io.capstan.proto.etcd.RangeRequest.newBuilder()
                        .setKey(Commands.bytes("a"))
                        .setRevision(9))
                .build();
        CommandResult result = applier.apply(txn(TxnRequest.newBuilder()
                .addSuccess(opPut("a", "1"))
                .addSuccess(future)
                .build()));

        assertThat(result.getError().getCode()).isEqualTo(CommandError.Code.FUTURE_REVISION);
        assertThat(applier.mvcc().currentRevision()).isEqualTo(1);
    }
}
