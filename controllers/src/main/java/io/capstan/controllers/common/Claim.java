package io.capstan.controllers.common;

import io.capstan.api.selector.LabelSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.Optional;

/**
 * What a controller does with an object its selector might cover, as Kubernetes'
 * ControllerRefManager.ClaimObject:
 *
 * <pre>
 *   controlled by us,   selector matches        -> OWNED
 *   controlled by us,   selector stopped matching -> RELEASE (unless we are being deleted: IGNORE)
 *   controlled by another                        -> IGNORE
 *   orphan, matches, same namespace, neither we
 *     nor it being deleted                       -> ADOPT
 *   any other orphan                             -> IGNORE
 * </pre>
 *
 * Only OWNED and a successful ADOPT make the object the controller's to count and manage.
 */
public enum Claim {
    /** Ours already. */
    OWNED,
    /** An orphan to take: add our controller reference. */
    ADOPT,
    /** Ours, but the selector no longer matches: remove our reference. */
    RELEASE,
    /** Not ours and not to be taken. */
    IGNORE;

    /**
     * The claim of the controller {@code owner} (with {@code selector}) on {@code candidate}.
     *
     * @param ownerBeingDeleted whether the owner has a deletionTimestamp: it then neither adopts
     *     nor releases
     */
    public static Claim decide(
            ObjectMeta owner, boolean ownerBeingDeleted, LabelSelector selector, ObjectMeta candidate) {
        Optional<OwnerReference> controller = ControllerRef.of(candidate);
        boolean matches = selector.matches(candidate.getLabelsMap());
        if (controller.isPresent()) {
            if (!controller.get().getUid().equals(owner.getUid())) {
                return IGNORE;
            }
            if (matches) {
                return OWNED;
            }
            return ownerBeingDeleted ? IGNORE : RELEASE;
        }
        if (ownerBeingDeleted || !matches || candidate.hasDeletionTimestamp()) {
            return IGNORE;
        }
        if (!owner.getNamespace().isEmpty() && !owner.getNamespace().equals(candidate.getNamespace())) {
            return IGNORE;
        }
        return ADOPT;
    }
}
