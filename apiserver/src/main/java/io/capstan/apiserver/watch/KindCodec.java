package io.capstan.apiserver.watch;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.capstan.apiserver.storage.KvStoreException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.TypedObject.ObjectCase;
import java.nio.charset.StandardCharsets;

/**
 * One kind's store layout and value format, as the cache needs them: key prefixes, decoding a
 * stored value into a {@link TypedObject} with its resourceVersion, and bookmark objects.
 *
 * <p>It repeats {@code ObjectStorage}'s layout ({@code /registry/<plural>/[<namespace>/]<name>},
 * the kind's own message with an empty resourceVersion as the value), which that package keeps
 * package-private; the two must change together.
 */
final class KindCodec {
    private final ObjectKind kind;
    private final FieldDescriptor field;
    private final FieldDescriptor metadataField;
    private final String prefix;

    KindCodec(ObjectKind kind) {
        this.kind = kind;
        this.field =
                TypedObject.getDescriptor().findFieldByNumber(objectCase(kind).getNumber());
        FieldDescriptor metadata = field.getMessageType().findFieldByName("metadata");
        if (metadata == null || metadata.getMessageType() != ObjectMeta.getDescriptor()) {
            throw new IllegalStateException(kind.kindName() + " has no ObjectMeta metadata");
        }
        this.metadataField = metadata;
        this.prefix = "/registry/" + kind.plural() + "/";
    }

    static ObjectCase objectCase(ObjectKind kind) {
        return switch (kind) {
            case NAMESPACE -> ObjectCase.NAMESPACE;
            case NODE -> ObjectCase.NODE;
            case POD -> ObjectCase.POD;
            case REPLICA_SET -> ObjectCase.REPLICA_SET;
            case DEPLOYMENT -> ObjectCase.DEPLOYMENT;
            case SERVICE -> ObjectCase.SERVICE;
            case ENDPOINTS -> ObjectCase.ENDPOINTS;
            case CONFIG_MAP -> ObjectCase.CONFIG_MAP;
            case SECRET -> ObjectCase.SECRET;
            case LEASE -> ObjectCase.LEASE;
            case EVENT -> ObjectCase.EVENT;
            case INGRESS -> ObjectCase.INGRESS;
            case ALERT_ROUTE -> ObjectCase.ALERT_ROUTE;
        };
    }

    ObjectKind kind() {
        return kind;
    }

    /** The prefix of every key of the kind. */
    String prefix() {
        return prefix;
    }

    /** The prefix of the kind's keys in {@code namespace}; {@link #prefix()} for "". */
    String prefix(String namespace) {
        return namespace.isEmpty() ? prefix : prefix + namespace + "/";
    }

    /** The key of one object; the namespace must suit the kind (required if namespaced, else empty). */
    String key(String namespace, String name) {
        if (kind.isNamespaced() && namespace.isEmpty()) {
            throw new IllegalArgumentException("namespace: required for " + kind.kindName());
        }
        if (!kind.isNamespaced() && !namespace.isEmpty()) {
            throw new IllegalArgumentException(
                    "namespace: " + kind.kindName() + " is cluster-scoped, got \"" + namespace + "\"");
        }
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("name: must be non-empty without '/', got \"" + name + "\"");
        }
        return prefix(namespace) + name;
    }

    static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** etcd's range end for a prefix: the prefix with its last byte incremented (every prefix here ends in '/'). */
    static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    /**
     * The object stored at {@code key} with value {@code value}, with resourceVersion {@code
     * modRevision}.
     *
     * @throws KvStoreException if the value does not parse as the kind's message
     */
    CachedObject decode(String key, ByteString value, long modRevision) {
        Message.Builder builder = TypedObject.newBuilder().newBuilderForField(field);
        try {
            builder.mergeFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new KvStoreException(
                    "stored " + kind.kindName() + " at " + key + " does not parse: " + e.getMessage(), e);
        }
        ObjectMeta metadata = ((ObjectMeta) builder.getField(metadataField))
                .toBuilder().setResourceVersion(Long.toString(modRevision)).build();
        builder.setField(metadataField, metadata);
        return new CachedObject(
                key, TypedObject.newBuilder().setField(field, builder.build()).build(), metadata);
    }

    /** {@code object} with its resourceVersion replaced by {@code revision}. */
    CachedObject withResourceVersion(CachedObject object, long revision) {
        ObjectMeta metadata = object.metadata().toBuilder()
                .setResourceVersion(Long.toString(revision))
                .build();
        Message message = ((Message) object.object().getField(field))
                .toBuilder().setField(metadataField, metadata).build();
        return new CachedObject(
                object.key(), TypedObject.newBuilder().setField(field, message).build(), metadata);
    }

    /** A bookmark's object: the kind's case set, and in it only {@code metadata.resource_version}. */
    TypedObject bookmark(long revision) {
        Message message = TypedObject.newBuilder()
                .newBuilderForField(field)
                .setField(
                        metadataField,
                        ObjectMeta.newBuilder()
                                .setResourceVersion(Long.toString(revision))
                                .build())
                .build();
        return TypedObject.newBuilder().setField(field, message).build();
    }
}
