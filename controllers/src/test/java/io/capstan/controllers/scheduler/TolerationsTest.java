package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.equal;
import static io.capstan.controllers.scheduler.SchedulerFixtures.exists;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import io.capstan.proto.api.v1.Toleration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TolerationsTest {
    private static final Taint GPU_NO_SCHEDULE = taint("gpu", "true", TaintEffect.TAINT_EFFECT_NO_SCHEDULE);

    @Test
    void equalMatchesKeyValueAndEffect() {
        assertThat(Tolerations.tolerates(equal("gpu", "true", TaintEffect.TAINT_EFFECT_NO_SCHEDULE), GPU_NO_SCHEDULE))
                .isTrue();
        assertThat(Tolerations.tolerates(equal("gpu", "false", TaintEffect.TAINT_EFFECT_NO_SCHEDULE), GPU_NO_SCHEDULE))
                .isFalse();
        assertThat(Tolerations.tolerates(equal("tpu", "true", TaintEffect.TAINT_EFFECT_NO_SCHEDULE), GPU_NO_SCHEDULE))
                .isFalse();
        assertThat(Tolerations.tolerates(equal("gpu", "true", TaintEffect.TAINT_EFFECT_NO_EXECUTE), GPU_NO_SCHEDULE))
                .isFalse();
    }

    @Test
    void anUnspecifiedEffectMatchesEveryEffect() {
        Toleration anyEffect = equal("gpu", "true", TaintEffect.TAINT_EFFECT_UNSPECIFIED);

        assertThat(Tolerations.tolerates(anyEffect, GPU_NO_SCHEDULE)).isTrue();
        assertThat(Tolerations.tolerates(anyEffect, taint("gpu", "true", TaintEffect.TAINT_EFFECT_NO_EXECUTE)))
                .isTrue();
    }

    @Test
    void anUnspecifiedOperatorMeansEqual() {
        Toleration unspecified = equal("gpu", "true", TaintEffect.TAINT_EFFECT_NO_SCHEDULE).toBuilder()
                .setOperator(Toleration.Operator.OPERATOR_UNSPECIFIED)
                .build();

        assertThat(Tolerations.tolerates(unspecified, GPU_NO_SCHEDULE)).isTrue();
        assertThat(Tolerations.tolerates(unspecified.toBuilder().setValue("x").build(), GPU_NO_SCHEDULE))
                .isFalse();
    }

    @Test
    void existsIgnoresTheValueAndAnEmptyKeyMatchesEveryTaint() {
        assertThat(Tolerations.tolerates(exists("gpu", TaintEffect.TAINT_EFFECT_NO_SCHEDULE), GPU_NO_SCHEDULE))
                .isTrue();
        assertThat(Tolerations.tolerates(exists("", TaintEffect.TAINT_EFFECT_UNSPECIFIED), GPU_NO_SCHEDULE))
                .isTrue();
        assertThat(Tolerations.tolerates(exists("other", TaintEffect.TAINT_EFFECT_UNSPECIFIED), GPU_NO_SCHEDULE))
                .isFalse();
    }

    @Test
    void firstUntoleratedIsTheFirstInTheNodesOrder() {
        Taint a = taint("a", "1", TaintEffect.TAINT_EFFECT_NO_SCHEDULE);
        Taint b = taint("b", "2", TaintEffect.TAINT_EFFECT_NO_EXECUTE);
        Taint c = taint("c", "3", TaintEffect.TAINT_EFFECT_NO_SCHEDULE);

        assertThat(Tolerations.firstUntolerated(
                        List.of(a, b, c), List.of(equal("a", "1", TaintEffect.TAINT_EFFECT_UNSPECIFIED))))
                .isEqualTo(b);
        assertThat(Tolerations.firstUntolerated(
                        List.of(a, b, c), List.of(exists("", TaintEffect.TAINT_EFFECT_UNSPECIFIED))))
                .isNull();
    }

    @Test
    void countsPreferNoScheduleTaintsNotTolerated() {
        Taint a = taint("a", "1", TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE);
        Taint b = taint("b", "2", TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE);

        assertThat(Tolerations.countIntolerable(List.of(a, b), List.of())).isEqualTo(2);
        assertThat(Tolerations.countIntolerable(
                        List.of(a, b), List.of(equal("a", "1", TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE))))
                .isEqualTo(1);
        assertThat(Tolerations.countIntolerable(
                        List.of(a, b), List.of(equal("a", "1", TaintEffect.TAINT_EFFECT_NO_SCHEDULE))))
                .isEqualTo(2);
    }

    static Taint taint(String key, String value, TaintEffect effect) {
        return Taint.newBuilder().setKey(key).setValue(value).setEffect(effect).build();
    }
}
