package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollbackTest {
    private static final ReplicaSet R1 = TestRs.named("web-1")
            .image("web:1")
            .revision(1)
            .annotation("kubernetes.io/change-cause", "first")
            .build();
    private static final ReplicaSet R2 = TestRs.named("web-2")
            .image("web:2")
            .revision(2)
            .age(10)
            .annotation("kubernetes.io/change-cause", "second")
            .build();
    private static final Deployment AT_2 = TestDeployment.named("web")
            .image("web:2")
            .annotation(Revisions.REVISION, "2")
            .annotation("kubernetes.io/change-cause", "second")
            .build();

    @Test
    void findsTheRevisionAndZeroMeansThePreviousOne() {
        assertThat(Rollback.find(AT_2, List.of(R1, R2), 1)).contains(R1);
        assertThat(Rollback.find(AT_2, List.of(R1, R2), 0)).contains(R1);
        assertThat(Rollback.find(AT_2, List.of(R1, R2), 7)).isEmpty();
        assertThat(Rollback.find(AT_2, List.of(R2), 0)).isEmpty();
    }

    @Test
    void whenTheCurrentTemplateHasNoReplicaSetYetThePreviousIsTheHighest() {
        Deployment editing = TestDeployment.named("web").image("web:3").build();
        assertThat(Rollback.find(editing, List.of(R1, R2), 0)).contains(R2);
    }

    @Test
    void rollingBackCopiesTheTemplateWithoutHashAndTheTemplateAnnotations() {
        Deployment back = Rollback.to(AT_2, R1);
        assertThat(back.getSpec().getTemplate()).isEqualTo(TestRs.template("web:1"));
        assertThat(back.getSpec().getTemplate().getMetadata().getLabelsMap()).doesNotContainKey(TemplateHash.LABEL);
        assertThat(back.getMetadata().getAnnotationsMap())
                .containsEntry("kubernetes.io/change-cause", "first")
                .containsEntry(Revisions.REVISION, "2");
        assertThat(back.getSpec().getReplicas()).isEqualTo(AT_2.getSpec().getReplicas());
    }

    @Test
    void annotationRequestIsCarriedOutAndCleared() {
        Deployment asked = AT_2.toBuilder()
                .setMetadata(AT_2.getMetadata().toBuilder().putAnnotations(Revisions.ROLLBACK_TO, "0"))
                .build();
        assertThat(Rollback.requested(asked)).hasValue(0);
        Rollback.Decision decision = Rollback.decide(asked, List.of(R1, R2), 0);
        assertThat(decision.outcome()).isEqualTo(Rollback.Outcome.ROLLED_BACK);
        assertThat(decision.reason()).isEqualTo("DeploymentRollback");
        assertThat(decision.message()).isEqualTo("Rolled back deployment \"web\" to revision 1");
        assertThat(decision.updated().getSpec().getTemplate()).isEqualTo(TestRs.template("web:1"));
        assertThat(decision.updated().getMetadata().getAnnotationsMap()).doesNotContainKey(Revisions.ROLLBACK_TO);
    }

    @Test
    void requestForAMissingRevisionOrTheSameTemplateIsDroppedWithAReason() {
        Rollback.Decision missing = Rollback.decide(AT_2, List.of(R1, R2), 9);
        assertThat(missing.outcome()).isEqualTo(Rollback.Outcome.REVISION_NOT_FOUND);
        assertThat(missing.message()).isEqualTo("Unable to find the revision to rollback to.");
        assertThat(missing.updated().getSpec()).isEqualTo(AT_2.getSpec());

        Rollback.Decision noPrevious = Rollback.decide(AT_2, List.of(R2), 0);
        assertThat(noPrevious.outcome()).isEqualTo(Rollback.Outcome.REVISION_NOT_FOUND);
        assertThat(noPrevious.message()).isEqualTo("Unable to find last revision.");

        Rollback.Decision same = Rollback.decide(AT_2, List.of(R1, R2), 2);
        assertThat(same.outcome()).isEqualTo(Rollback.Outcome.TEMPLATE_UNCHANGED);
        assertThat(same.reason()).isEqualTo("RollbackTemplateUnchanged");
    }

    @Test
    void invalidRequestIsIgnored() {
        Deployment garbled = TestDeployment.named("web")
                .annotation(Revisions.ROLLBACK_TO, "last")
                .build();
        assertThat(Rollback.requested(garbled)).isEmpty();
        assertThat(Rollback.requested(AT_2)).isEmpty();
    }
}
