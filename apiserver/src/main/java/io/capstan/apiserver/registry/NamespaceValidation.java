package io.capstan.apiserver.registry;

import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;

/** Kubernetes' ValidateNamespace and ValidateNamespaceStatusUpdate. */
final class NamespaceValidation {
    private NamespaceValidation() {}

    static void namespace(Namespace namespace, ErrorList errors) {
        MetadataValidation.finalizers(
                namespace.getSpec().getFinalizersList(), FieldPath.of("spec").child("finalizers"), errors);
    }

    /** The phase follows deletion: Active until deletionTimestamp is set, Terminating after. */
    static void status(Namespace namespace, ErrorList errors) {
        FieldPath status = FieldPath.of("status");
        FieldPath phase = status.child("phase");
        NamespaceStatus.Phase value = namespace.getStatus().getPhase();
        errors.specified(phase, value);
        boolean deleting = namespace.getMetadata().hasDeletionTimestamp();
        if (!deleting && value == NamespaceStatus.Phase.PHASE_TERMINATING) {
            errors.add(phase, "must be Active while metadata.deletionTimestamp is unset");
        } else if (deleting && value == NamespaceStatus.Phase.PHASE_ACTIVE) {
            errors.add(phase, "must be Terminating once metadata.deletionTimestamp is set");
        }
        Conditions.validate(namespace.getStatus().getConditionsList(), status.child("conditions"), errors);
    }
}
