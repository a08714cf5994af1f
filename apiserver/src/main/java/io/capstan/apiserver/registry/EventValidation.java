package io.capstan.apiserver.registry;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectReference;

/**
 * Kubernetes' validation of core/v1 Events, plus the fields a Capstan recorder always sets
 * (involvedObject kind and name, reason) and the lengths events.k8s.io/v1 bounds.
 */
final class EventValidation {
    static final int MAX_REASON_LENGTH = 128;
    static final int MAX_REPORTING_INSTANCE_LENGTH = 128;
    static final String DEFAULT_NAMESPACE = "default";

    private EventValidation() {}

    static void event(Event event, ErrorList errors) {
        ObjectReference involved = event.getInvolvedObject();
        FieldPath involvedPath = FieldPath.of("involvedObject");
        if (involved.getKind().isEmpty()) {
            errors.required(involvedPath.child("kind"));
        }
        if (involved.getName().isEmpty()) {
            errors.required(involvedPath.child("name"));
        }
        String namespace = event.getMetadata().getNamespace();
        if (!involved.getNamespace().isEmpty()) {
            if (!involved.getNamespace().equals(namespace)) {
                errors.add(
                        involvedPath.child("namespace"),
                        "must equal metadata.namespace \"" + namespace + "\", got \"" + involved.getNamespace() + "\"");
            }
        } else if (!namespace.isEmpty() && !namespace.equals(DEFAULT_NAMESPACE)) {
            errors.add(
                    FieldPath.of("metadata").child("namespace"),
                    "must be \"default\" for an event about a cluster-scoped object, got \"" + namespace + "\"");
        }
        FieldPath reason = FieldPath.of("reason");
        if (event.getReason().isEmpty()) {
            errors.required(reason);
        } else if (event.getReason().length() > MAX_REASON_LENGTH) {
            errors.add(
                    reason,
                    "must be at most " + MAX_REASON_LENGTH + " characters, got "
                            + event.getReason().length());
        }
        errors.atLeast(FieldPath.of("count"), event.getCount(), 1);
        errors.specified(FieldPath.of("type"), event.getType());
        if (!event.getReportingController().isEmpty()) {
            errors.add(FieldPath.of("reportingController"), Names.qualifiedName(event.getReportingController()));
        }
        if (event.getReportingInstance().length() > MAX_REPORTING_INSTANCE_LENGTH) {
            errors.add(
                    FieldPath.of("reportingInstance"),
                    "must be at most " + MAX_REPORTING_INSTANCE_LENGTH + " characters, got "
                            + event.getReportingInstance().length());
        }
        if (event.hasFirstTimestamp()
                && event.hasLastTimestamp()
                && isBefore(event.getLastTimestamp(), event.getFirstTimestamp())) {
            errors.add(FieldPath.of("lastTimestamp"), "must not be before firstTimestamp");
        }
    }

    private static boolean isBefore(Timestamp a, Timestamp b) {
        return a.getSeconds() < b.getSeconds() || (a.getSeconds() == b.getSeconds() && a.getNanos() < b.getNanos());
    }

    /** An event stays about the object it was recorded for. */
    static void eventUpdate(Event updated, Event old, ErrorList errors) {
        if (!updated.getInvolvedObject().equals(old.getInvolvedObject())) {
            errors.immutable(FieldPath.of("involvedObject"));
        }
    }
}
