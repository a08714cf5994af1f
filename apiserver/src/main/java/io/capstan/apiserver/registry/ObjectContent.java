package io.capstan.apiserver.registry;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import org.jspecify.annotations.Nullable;

/**
 * An object's three parts as the API server treats them: {@code metadata}, {@code status}, and
 * everything else, its <em>content</em> (spec, or for kinds without one, such as ConfigMap, Secret,
 * Endpoints and Event, their other top-level fields). Works on every kind through the message
 * descriptors, so a new kind needs no code here as long as its message names these fields
 * {@code metadata} and {@code status}.
 *
 * <p>Every method takes objects with a kind set and returns new objects; those taking two objects
 * throw {@link IllegalArgumentException} when their kinds differ. Stateless and thread-safe.
 */
public final class ObjectContent {
    private static final String METADATA = "metadata";
    private static final String STATUS = "status";

    private ObjectContent() {}

    /**
     * Whether the content differs: anything besides metadata and status. Drives generation, which
     * the server bumps only when this is true. Maps compare as maps; an {@code optional} field set
     * to its default differs from the field unset, so compare objects after defaulting.
     */
    public static boolean contentChanged(TypedObject old, TypedObject updated) {
        sameKind(old, updated);
        return !content(kindMessage(old)).equals(content(kindMessage(updated)));
    }

    /** {@code target} with the status of {@code source} (none if it has none); unchanged for kinds without status. */
    public static TypedObject withStatusOf(TypedObject target, TypedObject source) {
        sameKind(target, source);
        return withFieldOf(target, source, STATUS);
    }

    /** {@code object} with no status; unchanged for kinds without status. */
    public static TypedObject withoutStatus(TypedObject object) {
        Message message = kindMessage(object);
        FieldDescriptor status = field(message, STATUS);
        if (status == null) {
            return object;
        }
        return wrap(object, message.toBuilder().clearField(status).build());
    }

    /** The content of {@code source} with the metadata and status of {@code target}. */
    public static TypedObject withContentOf(TypedObject target, TypedObject source) {
        sameKind(target, source);
        TypedObject result = withFieldOf(source, target, METADATA);
        return withFieldOf(result, target, STATUS);
    }

    /** Whether objects of this kind have a status (Namespace, Node, Pod, ReplicaSet, Deployment, Service). */
    public static boolean hasStatus(TypedObject object) {
        return field(kindMessage(object), STATUS) != null;
    }

    /** The object's metadata. */
    public static ObjectMeta metadata(TypedObject object) {
        Message message = kindMessage(object);
        FieldDescriptor metadata = field(message, METADATA);
        if (metadata == null) {
            throw new IllegalStateException(message.getDescriptorForType().getName() + " has no metadata");
        }
        return (ObjectMeta) message.getField(metadata);
    }

    /** {@code object} with the named field copied from {@code donor}, cleared if unset there. */
    private static TypedObject withFieldOf(TypedObject object, TypedObject donor, String name) {
        Message message = kindMessage(object);
        Message donorMessage = kindMessage(donor);
        FieldDescriptor field = field(message, name);
        if (field == null) {
            return object;
        }
        Message.Builder builder = message.toBuilder();
        if (donorMessage.hasField(field)) {
            builder.setField(field, donorMessage.getField(field));
        } else {
            builder.clearField(field);
        }
        return wrap(object, builder.build());
    }

    private static Message content(Message message) {
        Message.Builder builder = message.toBuilder();
        for (String name : new String[] {METADATA, STATUS}) {
            FieldDescriptor field = field(message, name);
            if (field != null) {
                builder.clearField(field);
            }
        }
        return builder.build();
    }

    private static void sameKind(TypedObject a, TypedObject b) {
        kindField(a);
        if (a.getObjectCase() != b.getObjectCase()) {
            throw new IllegalArgumentException(
                    "object: kinds differ, " + a.getObjectCase() + " and " + b.getObjectCase());
        }
    }

    private static Message kindMessage(TypedObject object) {
        return (Message) object.getField(kindField(object));
    }

    private static FieldDescriptor kindField(TypedObject object) {
        if (object.getObjectCase() == TypedObject.ObjectCase.OBJECT_NOT_SET) {
            throw new IllegalArgumentException("object: no kind set");
        }
        return TypedObject.getDescriptor()
                .findFieldByNumber(object.getObjectCase().getNumber());
    }

    private static TypedObject wrap(TypedObject object, Message message) {
        return TypedObject.newBuilder().setField(kindField(object), message).build();
    }

    private static @Nullable FieldDescriptor field(Message message, String name) {
        return message.getDescriptorForType().findFieldByName(name);
    }
}
