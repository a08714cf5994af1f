package io.capstan.apiserver.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.TypedObject.ObjectCase;

/**
 * The storage facts of each kind: its plural (the key segment), whether it lives in a namespace,
 * and how its message sits in {@link TypedObject}. One constant per case of the {@code object}
 * oneof, so a new kind fails the exhaustive switch in {@link #of(TypedObject)} until it is added
 * here.
 */
public enum ObjectKind {
    NAMESPACE(ObjectCase.NAMESPACE, "Namespace", "namespaces", false),
    NODE(ObjectCase.NODE, "Node", "nodes", false),
    POD(ObjectCase.POD, "Pod", "pods", true),
    REPLICA_SET(ObjectCase.REPLICA_SET, "ReplicaSet", "replicasets", true),
    DEPLOYMENT(ObjectCase.DEPLOYMENT, "Deployment", "deployments", true),
    SERVICE(ObjectCase.SERVICE, "Service", "services", true),
    ENDPOINTS(ObjectCase.ENDPOINTS, "Endpoints", "endpoints", true),
    CONFIG_MAP(ObjectCase.CONFIG_MAP, "ConfigMap", "configmaps", true),
    SECRET(ObjectCase.SECRET, "Secret", "secrets", true),
    LEASE(ObjectCase.LEASE, "Lease", "leases", true),
    EVENT(ObjectCase.EVENT, "Event", "events", true),
    INGRESS(ObjectCase.INGRESS, "Ingress", "ingresses", true),
    ALERT_ROUTE(ObjectCase.ALERT_ROUTE, "AlertRoute", "alertroutes", false);

    private final ObjectCase objectCase;
    private final String kindName;
    private final String plural;
    private final boolean namespaced;

    ObjectKind(ObjectCase objectCase, String kindName, String plural, boolean namespaced) {
        this.objectCase = objectCase;
        this.kindName = kindName;
        this.plural = plural;
        this.namespaced = namespaced;
    }

    /** The kind of {@code object}; an object with no case set is rejected. */
    public static ObjectKind of(TypedObject object) {
        return switch (object.getObjectCase()) {
            case NAMESPACE -> NAMESPACE;
            case NODE -> NODE;
            case POD -> POD;
            case REPLICA_SET -> REPLICA_SET;
            case DEPLOYMENT -> DEPLOYMENT;
            case SERVICE -> SERVICE;
            case ENDPOINTS -> ENDPOINTS;
            case CONFIG_MAP -> CONFIG_MAP;
            case SECRET -> SECRET;
            case LEASE -> LEASE;
            case EVENT -> EVENT;
            case INGRESS -> INGRESS;
            case ALERT_ROUTE -> ALERT_ROUTE;
            case OBJECT_NOT_SET -> throw new IllegalArgumentException("object: no kind set");
        };
    }

    /** The kind as written in manifests ("Pod", "ReplicaSet"). */
    public static ObjectKind forKindName(String kindName) {
        for (ObjectKind kind : values()) {
            if (kind.kindName.equals(kindName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind: unknown kind \"" + kindName + "\"");
    }

    public String kindName() {
        return kindName;
    }

    public String plural() {
        return plural;
    }

    public boolean isNamespaced() {
        return namespaced;
    }

    /**
     * The store key: {@code /registry/<plural>/<namespace>/<name>}, or {@code
     * /registry/<plural>/<name>} for a cluster-scoped kind.
     */
    public String key(String namespace, String name) {
        checkNamespace(namespace);
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("metadata.name: must be non-empty without '/', got \"" + name + "\"");
        }
        return namespaced ? prefix(namespace) + name : "/registry/" + plural + "/" + name;
    }

    /** The key prefix of every object of this kind in {@code namespace}, or in all namespaces for "". */
    public String prefix(String namespace) {
        if (!namespaced && !namespace.isEmpty()) {
            throw new IllegalArgumentException(
                    "metadata.namespace: " + kindName + " is cluster-scoped, got \"" + namespace + "\"");
        }
        if (namespace.indexOf('/') >= 0) {
            throw new IllegalArgumentException("metadata.namespace: must not contain '/', got \"" + namespace + "\"");
        }
        return namespace.isEmpty() ? "/registry/" + plural + "/" : "/registry/" + plural + "/" + namespace + "/";
    }

    private void checkNamespace(String namespace) {
        if (namespaced && namespace.isEmpty()) {
            throw new IllegalArgumentException("metadata.namespace: required for " + kindName);
        }
        prefix(namespace);
    }

    /** The kind's own message bytes, as stored. */
    ByteString toBytes(TypedObject object) {
        return message(object).toByteString();
    }

    TypedObject parse(ByteString bytes) {
        Message.Builder builder = TypedObject.newBuilder().newBuilderForField(field());
        try {
            builder.mergeFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new KvStoreException("stored " + kindName + " does not parse: " + e.getMessage(), e);
        }
        return TypedObject.newBuilder().setField(field(), builder.build()).build();
    }

    public static ObjectMeta metadata(TypedObject object) {
        Message message = message(object);
        return (ObjectMeta) message.getField(metadataField(message));
    }

    public static TypedObject withMetadata(TypedObject object, ObjectMeta metadata) {
        Message message = message(object);
        Message updated =
                message.toBuilder().setField(metadataField(message), metadata).build();
        FieldDescriptor field = of(object).field();
        return TypedObject.newBuilder().setField(field, updated).build();
    }

    static TypedObject withResourceVersion(TypedObject object, String resourceVersion) {
        return withMetadata(
                object,
                metadata(object).toBuilder().setResourceVersion(resourceVersion).build());
    }

    private FieldDescriptor field() {
        return TypedObject.getDescriptor().findFieldByNumber(objectCase.getNumber());
    }

    private static Message message(TypedObject object) {
        return (Message) object.getField(of(object).field());
    }

    private static FieldDescriptor metadataField(Message message) {
        FieldDescriptor field = message.getDescriptorForType().findFieldByName("metadata");
        if (field == null || field.getMessageType() != ObjectMeta.getDescriptor()) {
            throw new IllegalStateException(message.getDescriptorForType().getName() + " has no ObjectMeta metadata");
        }
        return field;
    }
}
