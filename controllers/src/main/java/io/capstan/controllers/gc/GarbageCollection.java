package io.capstan.controllers.gc;

import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The garbage collector's decisions, as Kubernetes' attemptToDeleteItem, attemptToOrphan and
 * processDeletingDependentsItem, over object metadata alone so that they hold for every kind.
 *
 * <p>An object is looked at in one of two roles:
 *
 * <ul>
 *   <li><b>As a dependent</b> (not being deleted): each owner reference is {@link OwnerState
 *       classified}, and the object is kept, loses its references to owners that are gone, or is
 *       deleted once no owner remains ({@link #judge}). Background deletion of an owner removes it
 *       at once, so its dependents then find their references dangling and go.
 *   <li><b>As an owner being deleted</b> with a finalizer the API server added for its propagation
 *       policy: {@code orphan} (its dependents lose their reference to it, then the finalizer goes)
 *       or {@code foregroundDeletion} (its dependents are deleted, and the finalizer goes once no
 *       dependent blocking its deletion is left, see {@link #blockingDependents}).
 * </ul>
 *
 * Example, foreground deletion of Deployment d owning ReplicaSet r (blockOwnerDeletion) owning pods
 * p1, p2 (blockOwnerDeletion): d gets foregroundDeletion; r sees its owner waiting and, having
 * dependents of its own, is deleted in the foreground too; p1 and p2 see r waiting and, having no
 * dependents, are deleted; once they are gone r loses its finalizer and goes; then d.
 */
final class GarbageCollection {
    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";

    private GarbageCollection() {}

    /**
     * How {@code reference} stands given {@code owner}, the latest state of the object it names
     * (empty if there is none).
     */
    static OwnerState classify(OwnerReference reference, Optional<ObjectMeta> owner) {
        if (owner.isEmpty() || !owner.get().getUid().equals(reference.getUid())) {
            return OwnerState.DANGLING;
        }
        return isDeletingDependents(owner.get()) ? OwnerState.WAITING_FOR_DEPENDENTS_DELETION : OwnerState.SOLID;
    }

    /**
     * The verdict on {@code dependent} (not being deleted), given the state of each of its owner
     * references by owner uid.
     *
     * @param hasDependents whether objects refer to {@code dependent} as their owner
     * @param aDependentIsDeletingDependents whether one of those is being deleted in the foreground
     */
    static Verdict judge(
            ObjectMeta dependent,
            Map<String, OwnerState> owners,
            boolean hasDependents,
            boolean aDependentIsDeletingDependents) {
        if (dependent.getOwnerReferencesCount() == 0) {
            return Verdict.keep();
        }
        Set<String> solid = new LinkedHashSet<>();
        Set<String> gone = new LinkedHashSet<>();
        Set<String> waiting = new LinkedHashSet<>();
        for (OwnerReference reference : dependent.getOwnerReferencesList()) {
            switch (owners.getOrDefault(reference.getUid(), OwnerState.SOLID)) {
                case SOLID -> solid.add(reference.getUid());
                case DANGLING -> gone.add(reference.getUid());
                case WAITING_FOR_DEPENDENTS_DELETION -> waiting.add(reference.getUid());
            }
        }
        if (!solid.isEmpty()) {
            Set<String> drop = new LinkedHashSet<>(gone);
            drop.addAll(waiting);
            return drop.isEmpty() ? Verdict.keep() : Verdict.removeReferences(drop);
        }
        if (!waiting.isEmpty() && hasDependents) {
            // its owner waits for it, and it has dependents of its own: they go first
            return aDependentIsDeletingDependents
                    ? Verdict.unblockAndDelete(waiting)
                    : Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_FOREGROUND);
        }
        if (dependent.getFinalizersList().contains(ORPHAN)) {
            return Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_ORPHAN);
        }
        if (dependent.getFinalizersList().contains(FOREGROUND)) {
            return Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_FOREGROUND);
        }
        return Verdict.delete(PropagationPolicy.PROPAGATION_POLICY_BACKGROUND);
    }

    /** Being deleted in the foreground: deletionTimestamp set and finalizer foregroundDeletion. */
    static boolean isDeletingDependents(ObjectMeta meta) {
        return meta.hasDeletionTimestamp() && meta.getFinalizersList().contains(FOREGROUND);
    }

    /** Being deleted with its dependents orphaned: deletionTimestamp set and finalizer orphan. */
    static boolean isOrphaningDependents(ObjectMeta meta) {
        return meta.hasDeletionTimestamp() && meta.getFinalizersList().contains(ORPHAN);
    }

    /** The reference {@code dependent} holds to the owner of uid {@code ownerUid}, if any. */
    static Optional<OwnerReference> referenceTo(ObjectMeta dependent, String ownerUid) {
        return dependent.getOwnerReferencesList().stream()
                .filter(r -> r.getUid().equals(ownerUid))
                .findFirst();
    }

    /**
     * Those of {@code dependents} that keep the owner of uid {@code ownerUid} from going in the
     * foreground: they refer to it with blockOwnerDeletion.
     */
    static List<ObjectMeta> blockingDependents(String ownerUid, List<ObjectMeta> dependents) {
        return dependents.stream()
                .filter(d -> referenceTo(d, ownerUid)
                        .map(OwnerReference::getBlockOwnerDeletion)
                        .orElse(false))
                .toList();
    }

    /** {@code meta} without its references to the owners of {@code ownerUids}. */
    static ObjectMeta withoutReferences(ObjectMeta meta, Set<String> ownerUids) {
        List<OwnerReference> kept = meta.getOwnerReferencesList().stream()
                .filter(r -> !ownerUids.contains(r.getUid()))
                .toList();
        return meta.toBuilder()
                .clearOwnerReferences()
                .addAllOwnerReferences(kept)
                .build();
    }

    /** {@code meta} with its references to the owners of {@code ownerUids} no longer blocking. */
    static ObjectMeta unblocked(ObjectMeta meta, Set<String> ownerUids) {
        List<OwnerReference> references = meta.getOwnerReferencesList().stream()
                .map(r -> ownerUids.contains(r.getUid())
                        ? r.toBuilder().setBlockOwnerDeletion(false).build()
                        : r)
                .toList();
        return meta.toBuilder()
                .clearOwnerReferences()
                .addAllOwnerReferences(references)
                .build();
    }

    /** {@code meta} without {@code finalizer}. */
    static ObjectMeta withoutFinalizer(ObjectMeta meta, String finalizer) {
        List<String> kept = meta.getFinalizersList().stream()
                .filter(f -> !f.equals(finalizer))
                .toList();
        return meta.toBuilder().clearFinalizers().addAllFinalizers(kept).build();
    }
}
