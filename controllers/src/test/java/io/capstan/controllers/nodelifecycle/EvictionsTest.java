package io.capstan.controllers.nodelifecycle;

import static io.capstan.controllers.nodelifecycle.Fixtures.T0;
import static io.capstan.controllers.nodelifecycle.Fixtures.pod;
import static io.capstan.controllers.nodelifecycle.Fixtures.taint;
import static io.capstan.controllers.nodelifecycle.Fixtures.terminating;
import static io.capstan.controllers.nodelifecycle.Fixtures.toleration;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionsTest {
    private static final Duration DEFAULT = Duration.ofMinutes(5);
    private static final Instant NOW = T0.plusSeconds(10);
    private static final Taint UNREACHABLE = taint(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0);
    private static final Taint NOT_READY = taint(NodeTaints.NOT_READY, TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0);

    @Test
    void podWithoutTolerationsGoesAfterTheDefaultTolerationSeconds() {
        assertThat(Evictions.evictionTime(pod("p"), List.of(UNREACHABLE), DEFAULT, NOW))
                .contains(T0.plusSeconds(300));
        assertThat(Evictions.evictionTime(pod("p"), List.of(NOT_READY), DEFAULT, NOW))
                .contains(T0.plusSeconds(300));
    }

    @Test
    void podsOwnTolerationSecondsReplaceTheDefault() {
        Pod pod = pod("p", toleration(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, 30L));

        assertThat(Evictions.evictionTime(pod, List.of(UNREACHABLE), DEFAULT, NOW))
                .contains(T0.plusSeconds(30));
        assertThat(Evictions.evictionTime(pod, List.of(NOT_READY), DEFAULT, NOW))
                .as("the default still applies to the key the pod says nothing about")
                .contains(T0.plusSeconds(300));
    }

    @Test
    void tolerationWithoutSecondsToleratesForever() {
        Pod pod = pod("p", toleration("", TaintEffect.TAINT_EFFECT_UNSPECIFIED, null));

        assertThat(Evictions.evictionTime(pod, List.of(UNREACHABLE, NOT_READY), DEFAULT, NOW))
                .isEmpty();
    }

    @Test
    void zeroOrNegativeTolerationSecondsEvictAtTheTaintsTime() {
        Pod pod = pod("p", toleration(NodeTaints.UNREACHABLE, TaintEffect.TAINT_EFFECT_NO_EXECUTE, -5L));

        assertThat(Evictions.evictionTime(pod, List.of(UNREACHABLE), DEFAULT, NOW))
                .contains(T0);
    }

    @Test
    void untoleratedNoExecuteTaintEvictsAtOnce() {
        Taint dedicated = taint("dedicated", TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0);

        assertThat(Evictions.evictionTime(pod("p"), List.of(UNREACHABLE, dedicated), DEFAULT, NOW))
                .contains(NOW);
    }

    @Test
    void noScheduleTaintsNeverEvict() {
        Taint noSchedule = taint("dedicated", TaintEffect.TAINT_EFFECT_NO_SCHEDULE, T0);

        assertThat(Evictions.evictionTime(pod("p"), List.of(noSchedule), DEFAULT, NOW))
                .isEmpty();
    }

    @Test
    void earliestRunningOutTolerationDecides() {
        Taint maintenance = taint("maintenance", TaintEffect.TAINT_EFFECT_NO_EXECUTE, T0.plusSeconds(5));
        Pod pod = pod("p", toleration("maintenance", TaintEffect.TAINT_EFFECT_NO_EXECUTE, 20L));

        assertThat(Evictions.evictionTime(pod, List.of(UNREACHABLE, maintenance), DEFAULT, NOW))
                .contains(T0.plusSeconds(25));
    }

    @Test
    void tolerationMatchesByKeyEffectAndValue() {
        Taint taint = Taint.newBuilder()
                .setKey("dedicated")
                .setValue("db")
                .setEffect(TaintEffect.TAINT_EFFECT_NO_EXECUTE)
                .build();
        Toleration equal = Toleration.newBuilder()
                .setKey("dedicated")
                .setOperator(Toleration.Operator.OPERATOR_EQUAL)
                .setValue("db")
                .build();

        assertThat(Evictions.tolerates(equal, taint)).isTrue();
        assertThat(Evictions.tolerates(equal.toBuilder().setValue("web").build(), taint))
                .isFalse();
        assertThat(Evictions.tolerates(
                        equal.toBuilder()
                                .setEffect(TaintEffect.TAINT_EFFECT_NO_SCHEDULE)
                                .build(),
                        taint))
                .isFalse();
        assertThat(Evictions.tolerates(toleration("other", TaintEffect.TAINT_EFFECT_UNSPECIFIED, null), taint))
                .isFalse();
    }

    @Test
    void podsOwnToleratingOfAllKeysSuppressesTheDefaults() {
        Pod pod = pod("p", toleration("", TaintEffect.TAINT_EFFECT_NO_EXECUTE, 60L));

        assertThat(Evictions.effectiveTolerations(pod.getSpec(), DEFAULT)).hasSize(1);
    }

    @Test
    void terminatingPodIsForceRemovedATimeoutAfterTheLaterOfGraceEndAndNodeLoss() {
        Pod pod = terminating(pod("p"), T0.plusSeconds(30));

        assertThat(Evictions.forcedRemovalTime(pod, T0, Duration.ofSeconds(60))).isEqualTo(T0.plusSeconds(90));
        assertThat(Evictions.forcedRemovalTime(pod, T0.plusSeconds(100), Duration.ofSeconds(60)))
                .isEqualTo(T0.plusSeconds(160));
    }

    @Test
    void podOfAMissingNodeIsRemovedAQuarantineAfterItsCreation() {
        Pod pod = pod("p");
        pod = pod.toBuilder()
                .setMetadata(pod.getMetadata().toBuilder().setCreationTimestamp(Fixtures.ts(T0)))
                .build();

        assertThat(Evictions.orphanRemovalTime(pod, Duration.ofSeconds(40))).isEqualTo(T0.plusSeconds(40));
    }
}
