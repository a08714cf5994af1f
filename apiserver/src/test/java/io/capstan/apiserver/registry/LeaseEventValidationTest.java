package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;
import io.capstan.proto.api.v1.ObjectReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The content of Leases and Events. */
class LeaseEventValidationTest {

    private static Lease leaseWith(UnaryOperator<LeaseSpec.Builder> change) {
        Lease lease = Fixtures.lease();
        return lease.toBuilder()
                .setSpec(change.apply(lease.getSpec().toBuilder()))
                .build();
    }

    private static Event.Builder event() {
        return Fixtures.event().toBuilder();
    }

    @Test
    void aReleasedLeaseNeedsNoHolderOrDuration() {
        assertValid(leaseWith(spec -> LeaseSpec.newBuilder()));
    }

    @Test
    void aHeldLeaseHasAPositiveDuration() {
        assertRejected(
                leaseWith(spec -> spec.setLeaseDurationSeconds(0)),
                "spec.leaseDurationSeconds",
                "must be > 0 while spec.holderIdentity is set");
        assertRejected(
                leaseWith(spec -> spec.clearHolderIdentity().setLeaseDurationSeconds(-1)),
                "spec.leaseDurationSeconds",
                "must be >= 0, got -1");
    }

    @Test
    void leaseTransitionsAreNotNegative() {
        assertRejected(
                leaseWith(spec -> spec.setLeaseTransitions(-1)), "spec.leaseTransitions", "must be >= 0, got -1");
    }

    @Test
    void eventsNameTheObjectTheyAreAbout() {
        assertRejected(
                event().setInvolvedObject(
                                Fixtures.event().getInvolvedObject().toBuilder().clearKind())
                        .build(),
                "involvedObject.kind",
                "required");
        assertRejected(
                event().setInvolvedObject(
                                Fixtures.event().getInvolvedObject().toBuilder().clearName())
                        .build(),
                "involvedObject.name",
                "required");
    }

    @Test
    void eventsLiveInTheNamespaceOfTheirObject() {
        assertRejected(
                event().setInvolvedObject(
                                Fixtures.event().getInvolvedObject().toBuilder().setNamespace("other"))
                        .build(),
                "involvedObject.namespace",
                "must equal metadata.namespace \"default\", got \"other\"");
    }

    @Test
    void eventsAboutClusterScopedObjectsLiveInDefault() {
        ObjectReference node =
                ObjectReference.newBuilder().setKind("Node").setName("node-1").build();
        assertValid(event().setInvolvedObject(node).build());
        Event elsewhere = event().setInvolvedObject(node)
                .setMetadata(Fixtures.event().getMetadata().toBuilder().setNamespace("kube-system"))
                .build();
        assertRejected(
                elsewhere, "metadata.namespace", "must be \"default\" for an event about a cluster-scoped object");
    }

    @Test
    void eventsHaveAShortReason() {
        assertRejected(event().clearReason().build(), "reason", "required");
        assertValid(event().setReason("R".repeat(128)).build());
        assertRejected(event().setReason("R".repeat(129)).build(), "reason", "must be at most 128 characters, got 129");
    }

    @Test
    void countIsAtLeastOneAfterDefaulting() {
        assertRejected(event().setCount(0).build(), "count", "must be >= 1, got 0");
    }

    @Test
    void typeMustBeSpecifiedAfterDefaulting() {
        assertRejected(event().setType(Event.Type.TYPE_UNSPECIFIED).build(), "type", "required");
    }

    @Test
    void reportingFieldsAreBounded() {
        assertRejected(event().setReportingController("not a name").build(), "reportingController", "name part");
        assertRejected(
                event().setReportingInstance("i".repeat(129)).build(),
                "reportingInstance",
                "must be at most 128 characters");
    }

    @Test
    void lastTimestampIsNotBeforeFirstTimestamp() {
        assertRejected(
                event().setFirstTimestamp(Fixtures.LATER)
                        .setLastTimestamp(Fixtures.CREATED)
                        .build(),
                "lastTimestamp",
                "must not be before firstTimestamp");
        assertValid(event().setLastTimestamp(Fixtures.CREATED).build());
    }
}
