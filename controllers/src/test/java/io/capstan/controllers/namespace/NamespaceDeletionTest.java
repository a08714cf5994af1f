package io.capstan.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.capstan.controllers.namespace.NamespaceDeletion.Remaining;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceSpec;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NamespaceDeletionTest {
    private static final Instant NOW = Instant.parse("2030-01-01T10:00:00Z");

    private final Namespace active = Namespace.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("shop"))
            .setSpec(NamespaceSpec.newBuilder().addFinalizers(NamespaceDeletion.FINALIZER))
            .setStatus(NamespaceStatus.newBuilder().setPhase(NamespaceStatus.Phase.PHASE_ACTIVE))
            .build();
    private final Namespace terminating = active.toBuilder()
            .setMetadata(active.getMetadata().toBuilder()
                    .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(1)))
            .setStatus(NamespaceStatus.newBuilder().setPhase(NamespaceStatus.Phase.PHASE_TERMINATING))
            .build();

    @Test
    void onlyANamespaceBeingDeletedThatStillHoldsTheFinalizerIsEmptied() {
        assertThat(NamespaceDeletion.isToBeEmptied(active)).isFalse();
        assertThat(NamespaceDeletion.isToBeEmptied(terminating)).isTrue();
        assertThat(NamespaceDeletion.isToBeEmptied(NamespaceDeletion.withoutFinalizer(terminating)))
                .isFalse();
    }

    @Test
    void finalizingRemovesOnlyTheKubernetesFinalizer() {
        Namespace two = terminating.toBuilder()
                .setSpec(terminating.getSpec().toBuilder().addFinalizers("example.com/backup"))
                .build();

        assertThat(NamespaceDeletion.withoutFinalizer(two).getSpec().getFinalizersList())
                .containsExactly("example.com/backup");
    }

    @Test
    void conditionsSayWhatRemains() {
        Remaining remaining = new Remaining(
                new TreeMap<>(Map.of("Pod", 2, "ConfigMap", 1)), new TreeMap<>(Map.of("orphan", 1)), List.of());

        NamespaceStatus status = NamespaceDeletion.status(terminating.getStatus(), remaining, NOW);

        assertThat(status.getPhase()).isEqualTo(NamespaceStatus.Phase.PHASE_TERMINATING);
        assertThat(condition(status, NamespaceDeletion.CONTENT_REMAINING).getMessage())
                .isEqualTo(
                        "Some resources are remaining: ConfigMap has 1 resource instances, Pod has 2 resource instances");
        assertThat(condition(status, NamespaceDeletion.FINALIZERS_REMAINING).getStatus())
                .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(condition(status, NamespaceDeletion.CONTENT_FAILURE).getStatus())
                .isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    }

    @Test
    void sameFindingsLeaveTheStatusUnchangedAndChangesMoveTheTransitionTime() {
        Remaining remaining =
                new Remaining(new TreeMap<>(Map.of("Pod", 1)), new TreeMap<>(), List.of("Pod web: UNAVAILABLE"));
        NamespaceStatus first = NamespaceDeletion.status(terminating.getStatus(), remaining, NOW);

        assertThat(NamespaceDeletion.status(first, remaining, NOW.plusSeconds(30)))
                .isEqualTo(first);

        NamespaceStatus emptied = NamespaceDeletion.status(first, Remaining.nothing(), NOW.plusSeconds(30));
        Condition content = condition(emptied, NamespaceDeletion.CONTENT_REMAINING);
        assertThat(content.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
        assertThat(content.getLastTransitionTime().getSeconds()).isEqualTo(NOW.getEpochSecond() + 30);
    }

    private static Condition condition(NamespaceStatus status, String type) {
        return status.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }
}
