package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.selector.LabelSelector;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewReplicaSetsTest {
    private static final Deployment WEB = TestDeployment.named("web")
            .replicas(10)
            .image("web:2")
            .annotation("kubernetes.io/change-cause", "v2")
            .build();

    @Test
    void newReplicaSetIsNamedByHashAndSelectsOnlyItsOwnPods() {
        ReplicaSet rs = NewReplicaSets.build(WEB, List.of());
        String hash = TemplateHash.of(WEB.getSpec().getTemplate(), null);
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(rs.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(rs.getMetadata().getLabelsMap()).containsEntry("app", "web").containsEntry(TemplateHash.LABEL, hash);
        assertThat(rs.getSpec().getTemplate().getMetadata().getLabelsMap()).containsEntry(TemplateHash.LABEL, hash);
        assertThat(rs.getSpec().getSelector().getMatchLabelsMap())
                .containsEntry("app", "web")
                .containsEntry(TemplateHash.LABEL, hash);
        assertThat(LabelSelector.fromProto(rs.getSpec().getSelector())
                        .matches(rs.getSpec().getTemplate().getMetadata().getLabelsMap()))
                .isTrue();
        assertThat(TemplateMatch.equalIgnoringHash(
                        rs.getSpec().getTemplate(), WEB.getSpec().getTemplate()))
                .isTrue();
        assertThat(rs.getMetadata().getOwnerReferencesList()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Deployment");
            assertThat(ref.getUid()).isEqualTo("uid-web");
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getBlockOwnerDeletion()).isTrue();
        });
    }

    @Test
    void firstReplicaSetIsRevisionOneAtFullSizeWithinTheSurge() {
        ReplicaSet rs = NewReplicaSets.build(WEB, List.of());
        assertThat(rs.getSpec().getReplicas()).isEqualTo(10);
        assertThat(rs.getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "1")
                .containsEntry(Revisions.DESIRED_REPLICAS, "10")
                .containsEntry(Revisions.MAX_REPLICAS, "13")
                .containsEntry("kubernetes.io/change-cause", "v2");
    }

    @Test
    void rolloutReplicaSetStartsAtTheSurgeAndTakesTheNextRevision() {
        ReplicaSet old = TestRs.named("web-1")
                .image("web:1")
                .revision(4)
                .replicas(10)
                .available(10)
                .build();
        ReplicaSet rs = NewReplicaSets.build(WEB, List.of(old));
        assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
        assertThat(Revisions.of(rs)).isEqualTo(5);
    }

    @Test
    void recreateStartsAtFullSize() {
        Deployment recreate = TestDeployment.named("web").replicas(4).recreate().build();
        ReplicaSet old =
                TestRs.named("web-1").image("web:0").revision(1).replicas(4).build();
        assertThat(NewReplicaSets.build(recreate, List.of(old)).getSpec().getReplicas())
                .isEqualTo(4);
    }

    @Test
    void collisionCountChangesTheName() {
        Deployment collided = WEB.toBuilder()
                .setStatus(DeploymentStatus.newBuilder().setCollisionCount(1))
                .build();
        assertThat(NewReplicaSets.name(collided)).isNotEqualTo(NewReplicaSets.name(WEB));
        assertThat(NewReplicaSets.build(collided, List.of()).getMetadata().getName())
                .isEqualTo(NewReplicaSets.name(collided));
    }

    @Test
    void existingNewReplicaSetIsBroughtUpToDate() {
        ReplicaSet old = TestRs.named("web-1").image("web:1").revision(4).build();
        ReplicaSet current = TestRs.named("web-2").image("web:2").revision(2).build();
        Deployment slow = WEB.toBuilder()
                .setSpec(WEB.getSpec().toBuilder().setMinReadySeconds(5))
                .build();
        ReplicaSet synced = NewReplicaSets.synced(slow, current, List.of(old));
        assertThat(Revisions.of(synced)).isEqualTo(5);
        assertThat(synced.getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION_HISTORY, "2")
                .containsEntry("kubernetes.io/change-cause", "v2");
        assertThat(synced.getSpec().getMinReadySeconds()).isEqualTo(5);
        assertThat(NewReplicaSets.synced(slow, synced, List.of(old))).isSameAs(synced);
    }

    @Test
    void findsTheOldestReplicaSetWithTheTemplate() {
        ReplicaSet older = TestRs.named("web-a").image("web:2").build();
        ReplicaSet newer = TestRs.named("web-b").image("web:2").age(5).build();
        ReplicaSet other = TestRs.named("web-c").image("web:1").build();
        assertThat(TemplateMatch.findNew(WEB, List.of(newer, other, older))).contains(older);
        assertThat(TemplateMatch.old(List.of(newer, other, older), older)).containsExactly(newer, other);
        assertThat(TemplateMatch.findNew(WEB, List.of(other))).isEmpty();
    }
}
