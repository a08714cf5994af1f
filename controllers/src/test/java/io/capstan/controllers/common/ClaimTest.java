package io.capstan.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.selector.LabelSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import org.junit.jupiter.api.Test;

class ClaimTest {
    private static final ObjectMeta OWNER = ObjectMeta.newBuilder()
            .setNamespace("shop")
            .setName("web")
            .setUid("rs-uid")
            .build();
    private static final LabelSelector SELECTOR = LabelSelector.parse("app=web");
    private static final OwnerReference OURS = ControllerRef.to("apps/v1", "ReplicaSet", OWNER);

    private static ObjectMeta.Builder pod(String app) {
        return ObjectMeta.newBuilder().setNamespace("shop").setName("p").putLabels("app", app);
    }

    @Test
    void controllerRefNamesTheOwnerAndBlocksItsDeletion() {
        assertThat(OURS.getController()).isTrue();
        assertThat(OURS.getBlockOwnerDeletion()).isTrue();
        assertThat(OURS.getUid()).isEqualTo("rs-uid");
        assertThat(OURS.getName()).isEqualTo("web");
        assertThat(OURS.getKind()).isEqualTo("ReplicaSet");
        assertThat(OURS.getApiVersion()).isEqualTo("apps/v1");
    }

    @Test
    void ownedAndMatchingIsOwned() {
        ObjectMeta candidate = pod("web").addOwnerReferences(OURS).build();
        assertThat(Claim.decide(OWNER, false, SELECTOR, candidate)).isEqualTo(Claim.OWNED);
        assertThat(Claim.decide(OWNER, true, SELECTOR, candidate)).isEqualTo(Claim.OWNED);
    }

    @Test
    void ownedButNoLongerMatchingIsReleasedUnlessOwnerIsBeingDeleted() {
        ObjectMeta candidate = pod("api").addOwnerReferences(OURS).build();
        assertThat(Claim.decide(OWNER, false, SELECTOR, candidate)).isEqualTo(Claim.RELEASE);
        assertThat(Claim.decide(OWNER, true, SELECTOR, candidate)).isEqualTo(Claim.IGNORE);
    }

    @Test
    void controlledByAnotherIsIgnored() {
        OwnerReference theirs = OURS.toBuilder().setUid("other").build();
        ObjectMeta candidate = pod("web").addOwnerReferences(theirs).build();
        assertThat(Claim.decide(OWNER, false, SELECTOR, candidate)).isEqualTo(Claim.IGNORE);
    }

    @Test
    void matchingOrphanIsAdopted() {
        // a non-controller owner reference does not make it owned
        OwnerReference plainOwner =
                OURS.toBuilder().setUid("cm").setController(false).build();
        ObjectMeta candidate = pod("web").addOwnerReferences(plainOwner).build();
        assertThat(Claim.decide(OWNER, false, SELECTOR, candidate)).isEqualTo(Claim.ADOPT);
    }

    @Test
    void orphanIsNotAdoptedWhenNotMatchingDeletingOrElsewhere() {
        assertThat(Claim.decide(OWNER, false, SELECTOR, pod("api").build())).isEqualTo(Claim.IGNORE);
        assertThat(Claim.decide(OWNER, true, SELECTOR, pod("web").build())).isEqualTo(Claim.IGNORE);
        ObjectMeta deleting = pod("web")
                .setDeletionTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(5))
                .build();
        assertThat(Claim.decide(OWNER, false, SELECTOR, deleting)).isEqualTo(Claim.IGNORE);
        ObjectMeta elsewhere = pod("web").setNamespace("other").build();
        assertThat(Claim.decide(OWNER, false, SELECTOR, elsewhere)).isEqualTo(Claim.IGNORE);
    }

    @Test
    void adoptAndReleaseEditOnlyOurReference() {
        OwnerReference plainOwner =
                OURS.toBuilder().setUid("cm").setController(false).build();
        ObjectMeta orphan = pod("web").addOwnerReferences(plainOwner).build();
        ObjectMeta adopted = ControllerRef.adopted(orphan, OURS);
        assertThat(adopted.getOwnerReferencesList()).containsExactly(plainOwner, OURS);
        assertThat(ControllerRef.isControlledBy(adopted, "rs-uid")).isTrue();
        ObjectMeta released = ControllerRef.released(adopted, "rs-uid");
        assertThat(released.getOwnerReferencesList()).containsExactly(plainOwner);
        assertThat(ControllerRef.of(released)).isEmpty();
    }
}
