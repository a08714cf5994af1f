package io.capstan.client.controller;

import com.google.protobuf.Message;
import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.util.List;

/** The usual ways to map an informer's objects to keys. */
public final class EventHandlers {
    private EventHandlers() {}

    /** The object's own key: a controller of this kind. */
    public static <T extends Message> EventKeys<T> byKey() {
        return object -> List.of(ObjectKey.of(Kind.metadataOf(object)));
    }

    /**
     * The key of the object's controlling owner (ownerReference with controller = true) if it is of
     * {@code ownerKind}, in the object's namespace; none otherwise. A ReplicaSet controller watches
     * pods with {@code byControllerOwner("ReplicaSet")}.
     */
    public static <T extends Message> EventKeys<T> byControllerOwner(String ownerKind) {
        return object -> {
            ObjectMeta metadata = Kind.metadataOf(object);
            for (OwnerReference owner : metadata.getOwnerReferencesList()) {
                if (owner.getController() && owner.getKind().equals(ownerKind)) {
                    return List.of(ObjectKey.of(metadata.getNamespace(), owner.getName()));
                }
            }
            return List.of();
        };
    }
}
