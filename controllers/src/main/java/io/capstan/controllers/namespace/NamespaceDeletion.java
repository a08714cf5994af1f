package io.capstan.controllers.namespace;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The namespace controller's decisions, as Kubernetes' namespaced resources deleter: a namespace
 * being deleted (Terminating, finalizer "kubernetes" in spec.finalizers) is emptied of every
 * namespaced object, and once nothing is left its finalizer is removed, upon which the API server
 * removes it. Meanwhile its status conditions say what is holding it up:
 *
 * <ul>
 *   <li>{@code NamespaceDeletionContentFailure}: True when a delete failed ("ContentDeletionFailed");
 *   <li>{@code NamespaceContentRemaining}: True while objects are left ("SomeResourcesRemain", e.g.
 *       "Some resources are remaining: Pod has 2 resource instances");
 *   <li>{@code NamespaceFinalizersRemaining}: True while some of those objects wait on finalizers
 *       ("SomeFinalizersRemain").
 * </ul>
 */
final class NamespaceDeletion {
    /** The finalizer the API server gives every namespace, for this controller to remove. */
    static final String FINALIZER = "kubernetes";

    static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
    static final String CONTENT_REMAINING = "NamespaceContentRemaining";
    static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

    private NamespaceDeletion() {}

    /**
     * What is left in a namespace being emptied.
     *
     * @param objectsByKind how many objects of each kind remain (kinds with none left out)
     * @param finalizers how many of the remaining objects carry each finalizer
     * @param failures the deletes that failed in this pass, as messages
     */
    record Remaining(
            SortedMap<String, Integer> objectsByKind, SortedMap<String, Integer> finalizers, List<String> failures) {
        Remaining {
            objectsByKind = new TreeMap<>(objectsByKind);
            finalizers = new TreeMap<>(finalizers);
            failures = List.copyOf(failures);
        }

        static Remaining nothing() {
            return new Remaining(new TreeMap<>(), new TreeMap<>(), List.of());
        }

        boolean isEmpty() {
            return objectsByKind.isEmpty();
        }
    }

    /** Being deleted and still holding this controller's finalizer. */
    static boolean isToBeEmptied(Namespace namespace) {
        return namespace.getMetadata().hasDeletionTimestamp()
                && namespace.getSpec().getFinalizersList().contains(FINALIZER);
    }

    /** The namespace with the "kubernetes" finalizer removed from spec.finalizers. */
    static Namespace withoutFinalizer(Namespace namespace) {
        List<String> kept = namespace.getSpec().getFinalizersList().stream()
                .filter(f -> !f.equals(FINALIZER))
                .toList();
        return namespace.toBuilder()
                .setSpec(namespace.getSpec().toBuilder().clearFinalizers().addAllFinalizers(kept))
                .build();
    }

    /**
     * The status with the deletion conditions set from {@code remaining}; a condition's
     * lastTransitionTime moves only when its status changes.
     */
    static NamespaceStatus status(NamespaceStatus current, Remaining remaining, Instant now) {
        NamespaceStatus.Builder status = current.toBuilder();
        boolean failed = !remaining.failures().isEmpty();
        set(
                status,
                condition(
                        CONTENT_FAILURE,
                        failed,
                        failed ? "ContentDeletionFailed" : "ContentDeleted",
                        failed
                                ? "Failed to delete all resource types, "
                                        + remaining.failures().size() + " remaining: "
                                        + String.join(", ", remaining.failures())
                                : "All content successfully deleted, may be waiting on finalization"),
                now);
        set(
                status,
                condition(
                        CONTENT_REMAINING,
                        !remaining.isEmpty(),
                        remaining.isEmpty() ? "ContentRemoved" : "SomeResourcesRemain",
                        remaining.isEmpty()
                                ? "All content successfully removed"
                                : "Some resources are remaining: "
                                        + counts(remaining.objectsByKind(), " has ", " resource instances")),
                now);
        set(
                status,
                condition(
                        FINALIZERS_REMAINING,
                        !remaining.finalizers().isEmpty(),
                        remaining.finalizers().isEmpty() ? "ContentHasNoFinalizers" : "SomeFinalizersRemain",
                        remaining.finalizers().isEmpty()
                                ? "All content-preserving finalizers finished"
                                : "Some content in the namespace has finalizers remaining: "
                                        + counts(remaining.finalizers(), " in ", " resource instances")),
                now);
        return status.build();
    }

    private static Condition condition(String type, boolean isTrue, String reason, String message) {
        return Condition.newBuilder()
                .setType(type)
                .setStatus(isTrue ? ConditionStatus.CONDITION_STATUS_TRUE : ConditionStatus.CONDITION_STATUS_FALSE)
                .setReason(reason)
                .setMessage(message)
                .build();
    }

    private static void set(NamespaceStatus.Builder status, Condition wanted, Instant now) {
        Timestamp nowStamp =
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).build();
        for (int i = 0; i < status.getConditionsCount(); i++) {
            Condition existing = status.getConditions(i);
            if (existing.getType().equals(wanted.getType())) {
                Timestamp transition =
                        existing.getStatus() == wanted.getStatus() ? existing.getLastTransitionTime() : nowStamp;
                status.setConditions(i, wanted.toBuilder().setLastTransitionTime(transition));
                return;
            }
        }
        status.addConditions(wanted.toBuilder().setLastTransitionTime(nowStamp));
    }

    private static String counts(Map<String, Integer> counts, String between, String after) {
        return counts.entrySet().stream()
                .map(e -> e.getKey() + between + e.getValue() + after)
                .collect(Collectors.joining(", "));
    }
}
