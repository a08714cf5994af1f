package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.LeaseSpec;

/** Kubernetes' ValidateLease, plus: a held lease has a duration. */
final class LeaseValidation {
    private static final FieldPath SPEC = FieldPath.of("spec");

    private LeaseValidation() {}

    static void lease(Lease lease, ErrorList errors) {
        LeaseSpec spec = lease.getSpec();
        FieldPath duration = SPEC.child("leaseDurationSeconds");
        errors.notNegative(duration, spec.getLeaseDurationSeconds());
        if (!spec.getHolderIdentity().isEmpty() && spec.getLeaseDurationSeconds() == 0) {
            errors.add(duration, "must be > 0 while spec.holderIdentity is set, got 0");
        }
        errors.notNegative(SPEC.child("leaseTransitions"), spec.getLeaseTransitions());
    }
}
