package io.capstan.controllers.common;

import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.Optional;

/**
 * The one owner reference with {@code controller = true}: who manages an object. As Kubernetes'
 * {@code metav1.GetControllerOf} and {@code NewControllerRef}.
 */
public final class ControllerRef {
    private ControllerRef() {}

    /** The object's managing controller, if it has one. */
    public static Optional<OwnerReference> of(ObjectMeta meta) {
        for (OwnerReference ref : meta.getOwnerReferencesList()) {
            if (ref.getController()) {
                return Optional.of(ref);
            }
        }
        return Optional.empty();
    }

    /** Whether the object's managing controller is the object with {@code ownerUid}. */
    public static boolean isControlledBy(ObjectMeta meta, String ownerUid) {
        return of(meta).map(ref -> ref.getUid().equals(ownerUid)).orElse(false);
    }

    /**
     * A reference naming {@code owner} as the managing controller, with {@code blockOwnerDeletion}
     * so a foreground delete of the owner waits for the dependent.
     */
    public static OwnerReference to(String apiVersion, String kind, ObjectMeta owner) {
        return OwnerReference.newBuilder()
                .setApiVersion(apiVersion)
                .setKind(kind)
                .setName(owner.getName())
                .setUid(owner.getUid())
                .setController(true)
                .setBlockOwnerDeletion(true)
                .build();
    }

    /** {@code meta} with {@code ref} added as its controller (the caller checked it has none). */
    public static ObjectMeta adopted(ObjectMeta meta, OwnerReference ref) {
        return meta.toBuilder().addOwnerReferences(ref).build();
    }

    /** {@code meta} without any owner reference to {@code ownerUid}. */
    public static ObjectMeta released(ObjectMeta meta, String ownerUid) {
        ObjectMeta.Builder builder = meta.toBuilder().clearOwnerReferences();
        for (OwnerReference ref : meta.getOwnerReferencesList()) {
            if (!ref.getUid().equals(ownerUid)) {
                builder.addOwnerReferences(ref);
            }
        }
        return builder.build();
    }
}
