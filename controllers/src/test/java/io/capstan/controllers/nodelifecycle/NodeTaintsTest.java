package io.capstan.controllers.nodelifecycle;

import static io.capstan.controllers.nodelifecycle.Fixtures.T0;
import static io.capstan.controllers.nodelifecycle.Fixtures.node;
import static io.capstan.controllers.nodelifecycle.Fixtures.taint;
import static io.capstan.controllers.nodelifecycle.Fixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.NodeSpec;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTaintsTest {
    private static final Instant NOW = T0.plusSeconds(100);

    private static List<Taint> reconcile(Node node) {
        return NodeTaints.reconcile(node.getSpec(), node.getStatus(), NOW);
    }

    @Test
    void readyNodeGetsNoTaints() {
        assertThat(reconcile(node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0)))
                .isEmpty();
    }

    @Test
    void unknownNodeIsTaintedUnreachableNoExecuteAndNoSchedule() {
        List<Taint> taints = reconcile(node("n1", ConditionStatus.CONDITION_STATUS_UNKNOWN, T0));

        assertThat(taints)
                .containsExactly(
                        taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, NOW),
                        Taint.newBuilder()
                                .setKey(NodeTaints.UNREACHABLE)
                                .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                                .build());
    }

    @Test
    void notReadyNodeIsTaintedNotReady() {
        List<Taint> taints = reconcile(node("n1", ConditionStatus.CONDITION_STATUS_FALSE, T0));

        assertThat(taints).extracting(Taint::getKey).containsOnly(NodeTaints.NOT_READY);
        assertThat(taints)
                .extracting(Taint::getEffect)
                .containsExactly(TaintEffect.TAINT_EFFECT_NO_EXECUTE, TaintEffect.TAINT_EFFECT_NO_SCHEDULE);
    }

    @Test
    void taintThatStaysKeepsItsTimeAdded() {
        Taint since = taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0);
        Node node = withTaints(node("n1", ConditionStatus.CONDITION_STATUS_UNKNOWN, T0), since);

        assertThat(reconcile(node)).first().isEqualTo(since);
    }

    @Test
    void readyAgainRemovesTheManagedTaintsAndKeepsTheUsersOwn() {
        Taint users = Taint.newBuilder()
                .setKey("dedicated")
                .setValue("db")
                .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                .build();
        Node node = withTaints(
                node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0),
                taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0),
                users,
                Taint.newBuilder()
                        .setKey(NodeTaints.UNREACHABLE)
                        .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                        .build());

        assertThat(reconcile(node)).containsExactly(users);
    }

    @Test
    void goingFromUnknownToFalseSwapsUnreachableForNotReady() {
        Node node = withTaints(
                node("n1", ConditionStatus.CONDITION_STATUS_FALSE, T0),
                taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0));

        assertThat(reconcile(node)).extracting(Taint::getKey).containsOnly(NodeTaints.NOT_READY);
    }

    @Test
    void pressureConditionsAndCordonTaintNoSchedule() {
        Node base = node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0);
        Node node = base.toBuilder()
                .setSpec(NodeSpec.newBuilder().setUnschedulable(true))
                .setStatus(base.getStatus().toBuilder()
                        .addConditions(NodeCondition.newBuilder()
                                .setType("DiskPressure")
                                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)))
                .build();

        assertThat(reconcile(node))
                .extracting(Taint::getKey)
                .containsExactlyInAnyOrder(NodeTaints.DISK_PRESSURE, NodeTaints.UNSCHEDULABLE);
    }

    @Test
    void usersNoExecuteTaintWithoutTimeAddedGetsOne() {
        Node node = withTaints(
                node("n1", ConditionStatus.CONDITION_STATUS_TRUE, T0),
                Taint.newBuilder()
                        .setKey("maintenance")
                        .setEffect(TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                        .build());

        assertThat(reconcile(node)).first().extracting(Taint::getTimeAdded).isEqualTo(ts(NOW));
    }

    @Test
    void lostSinceIsTheTimeTheNotReadyOrUnreachableTaintWasAdded() {
        List<Taint> taints = List.of(
                taint("maintenance", TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0.minusSeconds(50)),
                taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0));

        assertThat(NodeTaints.lostSince(taints)).contains(T0);
        assertThat(NodeTaints.lostSince(taints.subList(0, 1))).isEmpty();
    }

    private static Node withTaints(Node node, Taint... taints) {
        return node.toBuilder()
                .setSpec(node.getSpec().toBuilder().addAllTaints(List.of(taints)))
                .build();
    }
}
