package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionsTest {
    @Test
    void revisionOfReplicaSetIsItsAnnotationOrZero() {
        assertThat(Revisions.of(TestRs.named("a").revision(4).build())).isEqualTo(4);
        assertThat(Revisions.of(TestRs.named("a").build())).isZero();
        assertThat(Revisions.of(
                        TestRs.named("a").annotation(Revisions.REVISION, "x").build()))
                .isZero();
    }

    @Test
    void maxAndPreviousRevision() {
        List<ReplicaSet> rss = List.of(
                TestRs.named("a").revision(3).build(),
                TestRs.named("b").revision(7).build(),
                TestRs.named("c").revision(5).build());
        assertThat(Revisions.max(rss)).isEqualTo(7);
        assertThat(Revisions.previous(rss)).isEqualTo(5);
        assertThat(Revisions.previous(List.of(TestRs.named("a").revision(1).build())))
                .isZero();
        assertThat(Revisions.max(List.of())).isZero();
    }

    @Test
    void newReplicaSetGetsRevisionReplicaAnnotationsAndTheDeploymentsOwnAnnotations() {
        Deployment deployment = TestDeployment.named("web")
                .replicas(10)
                .annotation("kubernetes.io/change-cause", "image 2")
                .annotation(Revisions.REVISION, "3")
                .annotation(Revisions.LAST_APPLIED, "{...}")
                .build();
        ReplicaSet created = Revisions.withNewReplicaSetAnnotations(
                deployment, TestRs.named("web-h2").build(), 4, false, 3);
        assertThat(created.getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "4")
                .containsEntry(Revisions.DESIRED_REPLICAS, "10")
                .containsEntry(Revisions.MAX_REPLICAS, "13")
                .containsEntry("kubernetes.io/change-cause", "image 2")
                .doesNotContainKey(Revisions.LAST_APPLIED)
                .doesNotContainKey(Revisions.REVISION_HISTORY);
    }

    @Test
    void existingReplicaSetWithCurrentRevisionIsLeftAlone() {
        Deployment deployment = TestDeployment.named("web").build();
        ReplicaSet rs = TestRs.named("web-h1").revision(5).build();
        assertThat(Revisions.withNewReplicaSetAnnotations(deployment, rs, 5, true, 1))
                .isSameAs(rs);
        assertThat(Revisions.withNewReplicaSetAnnotations(deployment, rs, 3, true, 1))
                .isSameAs(rs);
    }

    @Test
    void replicaSetBroughtBackTakesANewRevisionAndRemembersTheOldOnes() {
        Deployment deployment = TestDeployment.named("web").build();
        ReplicaSet rs = TestRs.named("web-h1").revision(2).build();
        ReplicaSet back = Revisions.withNewReplicaSetAnnotations(deployment, rs, 6, true, 1);
        assertThat(back.getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "6")
                .containsEntry(Revisions.REVISION_HISTORY, "2")
                .doesNotContainKey(Revisions.DESIRED_REPLICAS);
        ReplicaSet again = Revisions.withNewReplicaSetAnnotations(deployment, back, 9, true, 1);
        assertThat(again.getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "9")
                .containsEntry(Revisions.REVISION_HISTORY, "2,6");
    }

    @Test
    void revisionHistoryDropsTheOldestToStayWithinItsLimit() {
        String full = "1" + ",1".repeat((Revisions.MAX_HISTORY_CHARS - 1) / 2);
        assertThat(full.length()).isLessThanOrEqualTo(Revisions.MAX_HISTORY_CHARS);
        ReplicaSet rs = TestRs.named("web-h1")
                .revision(7)
                .annotation(Revisions.REVISION_HISTORY, full)
                .build();
        String history = Revisions.withNewReplicaSetAnnotations(
                        TestDeployment.named("web").build(), rs, 8, true, 1)
                .getMetadata()
                .getAnnotationsOrThrow(Revisions.REVISION_HISTORY);
        assertThat(history).endsWith(",7").hasSizeLessThanOrEqualTo(Revisions.MAX_HISTORY_CHARS);
    }

    @Test
    void replicaAnnotations() {
        ReplicaSet rs = TestRs.named("web-h1").build();
        assertThat(Revisions.replicasAnnotationsNeedUpdate(rs, 3, 4)).isTrue();
        ReplicaSet annotated = Revisions.withReplicasAnnotations(rs, 3, 4);
        assertThat(Revisions.desiredReplicas(annotated)).hasValue(3);
        assertThat(Revisions.maxReplicas(annotated)).hasValue(4);
        assertThat(Revisions.replicasAnnotationsNeedUpdate(annotated, 3, 4)).isFalse();
        assertThat(Revisions.withReplicasAnnotations(annotated, 3, 4)).isSameAs(annotated);
    }

    @Test
    void deploymentRevision() {
        Deployment deployment = TestDeployment.named("web").build();
        Deployment revised = Revisions.withRevision(deployment, "2");
        assertThat(revised.getMetadata().getAnnotationsMap()).containsEntry(Revisions.REVISION, "2");
        assertThat(Revisions.withRevision(revised, "2")).isSameAs(revised);
    }
}
