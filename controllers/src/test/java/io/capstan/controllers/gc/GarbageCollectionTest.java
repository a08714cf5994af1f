package io.capstan.controllers.gc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GarbageCollectionTest {
    private static final Timestamp DELETED =
            Timestamp.newBuilder().setSeconds(100).build();

    private final ObjectMeta rs = ObjectMeta.newBuilder()
            .setNamespace("ns")
            .setName("web")
            .setUid("rs-1")
            .build();

    @Test
    void existingOwnerIsSolid() {
        assertThat(GarbageCollection.classify(ref("rs-1", true), Optional.of(rs)))
                .isEqualTo(OwnerState.SOLID);
    }

    @Test
    void missingOwnerOrANewOwnerOfTheSameNameIsDangling() {
        assertThat(GarbageCollection.classify(ref("rs-1", true), Optional.empty()))
                .isEqualTo(OwnerState.DANGLING);
        assertThat(GarbageCollection.classify(
                        ref("rs-1", true),
                        Optional.of(rs.toBuilder().setUid("rs-2").build())))
                .isEqualTo(OwnerState.DANGLING);
    }

    @Test
    void ownerDeletedInTheForegroundWaitsForItsDependents() {
        ObjectMeta deleting = rs.toBuilder()
                .setDeletionTimestamp(DELETED)
                .addFinalizers(GarbageCollection.FOREGROUND)
                .build();
        ObjectMeta orphaning = rs.toBuilder()
                .setDeletionTimestamp(DELETED)
                .addFinalizers(GarbageCollection.ORPHAN)
                .build();

        assertThat(GarbageCollection.classify(ref("rs-1", true), Optional.of(deleting)))
                .isEqualTo(OwnerState.WAITING_FOR_DEPENDENTS_DELETION);
        assertThat(GarbageCollection.classify(ref("rs-1", true), Optional.of(orphaning)))
                .isEqualTo(OwnerState.SOLID);
    }

    @Test
    void objectWithoutOwnersOrWithItsOwnersIsKept() {
        assertThat(GarbageCollection.judge(rs, Map.of(), false, false)).isEqualTo(Verdict.keep());
        assertThat(GarbageCollection.judge(pod("rs-1"), Map.of("rs-1", OwnerState.SOLID), false, false))
                .isEqualTo(Verdict.keep());
    }

    @Test
    void dependentOfADeletedOwnerIsDeletedInTheBackground() {
        assertThat(GarbageCollection.judge(pod("rs-1"), Map.of("rs-1", OwnerState.DANGLING), false, false))
                .isEqualTo(Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_BACKGROUND));
    }

    @Test
    void dependentWithAnotherOwnerLeftOnlyLosesTheReferencesToTheGoneOnes() {
        ObjectMeta shared = pod("rs-1", "rs-2", "rs-3");

        Verdict verdict = GarbageCollection.judge(
                shared,
                Map.of(
                        "rs-1", OwnerState.DANGLING,
                        "rs-2", OwnerState.SOLID,
                        "rs-3", OwnerState.WAITING_FOR_DEPENDENTS_DELETION),
                false,
                false);

        assertThat(verdict).isEqualTo(Verdict.removeReferences(Set.of("rs-1", "rs-3")));
        assertThat(GarbageCollection.withoutReferences(shared, verdict.ownerUids())
                        .getOwnerReferencesList())
                .extracting(OwnerReference::getUid)
                .containsExactly("rs-2");
    }

    @Test
    void dependentWhoseOwnerWaitsIsDeletedAndInTheForegroundIfItHasDependentsItself() {
        Map<String, OwnerState> waiting = Map.of("rs-1", OwnerState.WAITING_FOR_DEPENDENTS_DELETION);

        assertThat(GarbageCollection.judge(pod("rs-1"), waiting, false, false))
                .isEqualTo(Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_BACKGROUND));
        assertThat(GarbageCollection.judge(pod("rs-1"), waiting, true, false))
                .isEqualTo(Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_FOREGROUND));
    }

    @Test
    void possibleCycleOfForegroundDeletionsIsBrokenByUnblocking() {
        ObjectMeta middle = pod("rs-1");

        Verdict verdict =
                GarbageCollection.judge(middle, Map.of("rs-1", OwnerState.WAITING_FOR_DEPENDENTS_DELETION), true, true);

        assertThat(verdict).isEqualTo(Verdict.unblockAndDelete(Set.of("rs-1")));
        assertThat(GarbageCollection.unblocked(middle, verdict.ownerUids())
                        .getOwnerReferences(0)
                        .getBlockOwnerDeletion())
                .isFalse();
    }

    @Test
    void dependentCarryingAPropagationFinalizerIsDeletedWithThatPolicy() {
        ObjectMeta withOrphan =
                pod("rs-1").toBuilder().addFinalizers(GarbageCollection.ORPHAN).build();

        assertThat(GarbageCollection.judge(withOrphan, Map.of("rs-1", OwnerState.DANGLING), false, false))
                .isEqualTo(Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_ORPHAN));
    }

    @Test
    void onlyDependentsWithBlockOwnerDeletionHoldAForegroundOwner() {
        ObjectMeta blocking = pod("rs-1");
        ObjectMeta free = pod("rs-1").toBuilder()
                .setName("free")
                .setOwnerReferences(0, ref("rs-1", false))
                .build();
        ObjectMeta unrelated = pod("rs-9").toBuilder().setName("other").build();

        assertThat(GarbageCollection.blockingDependents("rs-1", List.of(blocking, free, unrelated)))
                .containsExactly(blocking);
    }

    @Test
    void finalizerIsRemovedAlone() {
        ObjectMeta meta = rs.toBuilder()
                .addFinalizers("example.com/keep")
                .addFinalizers(GarbageCollection.ORPHAN)
                .build();

        assertThat(GarbageCollection.withoutFinalizer(meta, GarbageCollection.ORPHAN)
                        .getFinalizersList())
                .containsExactly("example.com/keep");
    }

    private static ObjectMeta pod(String... ownerUids) {
        ObjectMeta.Builder meta =
                ObjectMeta.newBuilder().setNamespace("ns").setName("web-1").setUid("pod-1");
        for (String uid : ownerUids) {
            meta.addOwnerReferences(ref(uid, true));
        }
        return meta.build();
    }

    private static OwnerReference ref(String uid, boolean blocking) {
        return OwnerReference.newBuilder()
                .setApiVersion("apps/v1")
                .setKind("ReplicaSet")
                .setName("web")
                .setUid(uid)
                .setController(true)
                .setBlockOwnerDeletion(blocking)
                .build();
    }
}
