package io.capstan.controllers.nodelifecycle;

import static io.capstan.controllers.nodelifecycle.Fixtures.T0;
import static io.capstan.controllers.nodelifecycle.Fixtures.pod;
import static io.capstan.controllers.nodelifecycle.Fixtures.taint;
import static io.capstan.controllers.nodelifecycle.Fixtures.terminating;
import static io.capstan.controllers.nodelifecycle.Fixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The taint manager's timing on one node, stepping a clock through a node's loss. */
class PodActionsTest {
    private static final NodeLifecycleConfig CONFIG = NodeLifecycleConfig.defaults()
            .withDefaultToleration(Duration.ofSeconds(300))
            .withTerminatingPodTimeout(Duration.ofSeconds(60));
    private static final List<Taint> LOST = List.of(
            taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0),
            Taint.newBuilder()
                    .setKey(NodeTaints.UNREACHABLE)
                    .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                    .build());

    private final Pod patient = pod("patient");
    private final Pod impatient =
            pod("impatient", toleration(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, 30L));
    private final Pod stubborn = pod("stubborn", toleration("", TaintEffect.TAINT_EFFECT_UNSPECIFIED, null));

    private static PodActions at(Instant now, Pod... pods) {
        return PodActions.plan(ConditionStatus.CONDITION_STATUS_UNKNOWN, LOST, List.of(pods), CONFIG, now);
    }

    @Test
    void podsOnALostNodeAreMarkedNotReady() {
        PodActions actions = at(T0, patient);

        assertThat(actions.notReady()).hasSize(1);
        Condition ready = actions.notReady().get(0).getStatus().getConditions(0);
        assertThat(ready.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
        assertThat(ready.getReason()).isEqualTo("NodeNotReady");
    }

    @Test
    void podsAlreadyNotReadyAreLeftAlone() {
        Pod notReady = PodActions.plan(ConditionStatus.CONDITION_STATUS_UNKNOWN, LOST, List.of(patient), CONFIG, T0)
                .notReady()
                .get(0);

        assertThat(at(T0, notReady).notReady()).isEmpty();
    }

    @Test
    void readyNodeTouchesNoPod() {
        PodActions actions =
                PodActions.plan(ConditionStatus.CONDITION_STATUS_TRUE, List.of(), List.of(patient), CONFIG, T0);

        assertThat(actions).isEqualTo(new PodActions(List.of(), List.of(), List.of(), Optional.empty()));
    }

    @Test
    void eachPodIsEvictedWhenItsTolerationRunsOut() {
        PodActions early = at(T0.plusSeconds(10), patient, impatient, stubborn);
        assertThat(early.evict()).isEmpty();
        assertThat(early.nextDeadline()).contains(T0.plusSeconds(30));

        PodActions later = at(T0.plusSeconds(30), patient, impatient, stubborn);
        assertThat(later.evict()).containsExactly(impatient);
        assertThat(later.nextDeadline()).contains(T0.plusSeconds(300));

        PodActions last = at(T0.plusSeconds(300), patient, stubborn);
        assertThat(last.evict()).containsExactly(patient);
        assertThat(last.nextDeadline()).isEmpty();
    }

    @Test
    void terminatingPodIsNotEvictedAgainButForceRemovedAfterTheTimeout() {
        Pod leaving = terminating(patient, T0.plusSeconds(330));

        PodActions waiting = at(T0.plusSeconds(330), leaving);
        assertThat(waiting.evict()).isEmpty();
        assertThat(waiting.forceRemove()).isEmpty();
        assertThat(waiting.nextDeadline()).contains(T0.plusSeconds(390));

        assertThat(at(T0.plusSeconds(390), leaving).forceRemove()).containsExactly(leaving);
    }

    @Test
    void terminatingPodOnAReadyNodeIsLeftToItsKubelet() {
        Pod leaving = terminating(patient, T0);

        PodActions actions = PodActions.plan(
                ConditionStatus.CONDITION_STATUS_TRUE, List.of(), List.of(leaving), CONFIG, T0.plusSeconds(3600));

        assertThat(actions.forceRemove()).isEmpty();
        assertThat(actions.nextDeadline()).isEmpty();
    }
}
