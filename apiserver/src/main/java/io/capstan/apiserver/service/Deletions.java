package io.capstan.apiserver.service;

import io.capstan.apiserver.registry.FieldError;
import io.capstan.apiserver.registry.ValidationException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.TxnGuard;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Instant;
import java.util.List;

/**
 * What a delete does to the object it finds, decided without the store, with Kubernetes' rules:
 *
 * <ul>
 *   <li>a bound, unfinished pod gets a grace period (the request's, else its
 *       terminationGracePeriodSeconds, else 30 s) and stays, marked with a deletionTimestamp, until
 *       the kubelet confirms with a grace of 0; other kinds and other pods have no grace;
 *   <li>the Orphan and Foreground policies add the {@code orphan} and {@code foregroundDeletion}
 *       finalizers; an object with finalizers (or a namespace with its own spec.finalizers) stays
 *       marked until they are gone, and a namespace so marked turns Terminating;
 *   <li>a later delete of an object already marked may only shorten its grace period;
 *   <li>everything else leaves the store at once.
 * </ul>
 */
final class Deletions {
    static final String FINALIZER_ORPHAN = "orphan";
    static final String FINALIZER_FOREGROUND = "foregroundDeletion";
    /** A pod's grace period when neither the request nor the pod gives one. */
    static final long DEFAULT_POD_GRACE_SECONDS = 30;

    private Deletions() {}

    /** What to do with the object. */
    enum Action {
        /** Remove it from the store now. */
        REMOVE,
        /** Store the outcome's object: marked for deletion, or with a shorter grace period. */
        MARK,
        /** Nothing to write: it is already marked at least as urgently as this delete asks. */
        UNCHANGED
    }

    /**
     * The decision and the object it concerns: the current object for REMOVE and UNCHANGED, the
     * object to store for MARK.
     */
    record Outcome(Action action, TypedObject object) {}

    /**
     * What deleting {@code current} of {@code kind} with {@code request} at {@code now} does.
     *
     * @throws ValidationException when the request's gracePeriodSeconds is negative
     */
    static Outcome decide(ObjectKind kind, TypedObject current, DeleteRequest request, Instant now) {
        ObjectMeta meta = ObjectKind.metadata(current);
        long grace = gracePeriod(kind, current, request);
        ObjectMeta.Builder updated = meta.toBuilder();
        boolean changed = false;

        if (meta.hasDeletionTimestamp()) {
            if (grace < meta.getDeletionGracePeriodSeconds()) {
                updated.setDeletionGracePeriodSeconds(grace)
                        .setDeletionTimestamp(ObjectApi.wholeSeconds(now.plusSeconds(grace)));
                changed = true;
            }
        } else {
            PropagationPolicy policy = request.getPropagationPolicy();
            if (policy == PropagationPolicy.PROPAGATION_POLICY_ORPHAN) {
                changed |= addFinalizer(updated, FINALIZER_ORPHAN);
            } else if (policy == PropagationPolicy.PROPAGATION_POLICY_FOREGROUND) {
                changed |= addFinalizer(updated, FINALIZER_FOREGROUND);
            }
            boolean staysForNow =
                    grace > 0 || updated.getFinalizersCount() > 0 || holdsNamespaceFinalizer(kind, current);
            if (staysForNow) {
                updated.setDeletionTimestamp(ObjectApi.wholeSeconds(now.plusSeconds(grace)))
                        .setDeletionGracePeriodSeconds(grace)
                        .setGeneration(meta.getGeneration() + 1);
                changed = true;
            }
        }

        TypedObject next = ObjectKind.withMetadata(current, updated.build());
        if (kind == ObjectKind.NAMESPACE && next.getNamespace().getMetadata().hasDeletionTimestamp()) {
            next = TypedObject.newBuilder()
                    .setNamespace(next.getNamespace().toBuilder()
                            .setStatus(next.getNamespace().getStatus().toBuilder()
                                    .setPhase(NamespaceStatus.Phase.PHASE_TERMINATING)))
                    .build();
            changed |= !next.equals(current);
        }
        if (readyToRemove(kind, next) && grace == 0) {
            return new Outcome(Action.REMOVE, current);
        }
        return changed ? new Outcome(Action.MARK, next) : new Outcome(Action.UNCHANGED, current);
    }

    /**
     * The grace period this delete gives: the request's, else a pod's own
     * terminationGracePeriodSeconds; 0 for other kinds, and for a pod that is not bound to a node or
     * has already finished (nothing runs that could be stopped gracefully), as in Kubernetes.
     */
    static long gracePeriod(ObjectKind kind, TypedObject current, DeleteRequest request) {
        if (kind != ObjectKind.POD) {
            return 0;
        }
        Pod pod = current.getPod();
        PodStatus.Phase phase = pod.getStatus().getPhase();
        if (pod.getSpec().getNodeName().isEmpty()
                || phase == PodStatus.Phase.PHASE_SUCCEEDED
                || phase == PodStatus.Phase.PHASE_FAILED) {
            return 0;
        }
        if (request.hasGracePeriodSeconds()) {
            if (request.getGracePeriodSeconds() < 0) {
                throw new ValidationException(List.of(
                        new FieldError("gracePeriodSeconds", "must be >= 0, got " + request.getGracePeriodSeconds())));
            }
            return request.getGracePeriodSeconds();
        }
        return pod.getSpec().hasTerminationGracePeriodSeconds()
                ? pod.getSpec().getTerminationGracePeriodSeconds()
                : DEFAULT_POD_GRACE_SECONDS;
    }

    /**
     * Whether an object marked for deletion can leave the store now: no finalizers left (nor a
     * namespace's own), and for a pod a grace period of 0, which the kubelet confirms once its
     * containers have stopped.
     */
    static boolean readyToRemove(ObjectKind kind, TypedObject object) {
        ObjectMeta meta = ObjectKind.metadata(object);
        if (meta.getFinalizersCount() > 0 || holdsNamespaceFinalizer(kind, object)) {
            return false;
        }
        return kind != ObjectKind.POD || !meta.hasDeletionTimestamp() || meta.getDeletionGracePeriodSeconds() == 0;
    }

    /** What the removal of {@code object} releases in the same transaction: a Service's IPs and ports, an Event's repeat key. */
    static TxnGuard releaseGuard(TypedObject object) {
        return switch (ObjectKind.of(object)) {
            case SERVICE -> ServiceAllocator.releaseAll(object.getService());
            case EVENT -> RepeatedEvents.release(object.getEvent());
            default -> TxnGuard.NONE;
        };
    }

    private static boolean holdsNamespaceFinalizer(ObjectKind kind, TypedObject object) {
        return kind == ObjectKind.NAMESPACE && object.getNamespace().getSpec().getFinalizersCount() > 0;
    }

    private static boolean addFinalizer(ObjectMeta.Builder meta, String finalizer) {
        if (meta.getFinalizersList().contains(finalizer)) {
            return false;
        }
        meta.addFinalizers(finalizer);
        return true;
    }
}
