package io.capstan.api.manifest;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.TypedObject.ObjectCase;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The kinds a manifest can hold: the {@code kind} written in it, the {@code apiVersion} it must
 * carry, and the case of {@link TypedObject}'s {@code object} oneof that holds its message. One
 * constant per case, so a new kind fails the exhaustive switch in {@link #of(TypedObject)} until it
 * is added here.
 */
public enum ManifestKind {
    NAMESPACE("Namespace", "v1", ObjectCase.NAMESPACE),
    NODE("Node", "v1", ObjectCase.NODE),
    POD("Pod", "v1", ObjectCase.POD),
    REPLICA_SET("ReplicaSet", "apps/v1", ObjectCase.REPLICA_SET),
    DEPLOYMENT("Deployment", "apps/v1", ObjectCase.DEPLOYMENT),
    SERVICE("Service", "v1", ObjectCase.SERVICE),
    ENDPOINTS("Endpoints", "v1", ObjectCase.ENDPOINTS),
    CONFIG_MAP("ConfigMap", "v1", ObjectCase.CONFIG_MAP),
    SECRET("Secret", "v1", ObjectCase.SECRET),
    LEASE("Lease", "coordination.k8s.io/v1", ObjectCase.LEASE),
    EVENT("Event", "v1", ObjectCase.EVENT),
    INGRESS("Ingress", "networking.k8s.io/v1", ObjectCase.INGRESS),
    ALERT_ROUTE("AlertRoute", "alerting.capstan.io/v1", ObjectCase.ALERT_ROUTE);

    private final String kind;
    private final String apiVersion;
    private final ObjectCase objectCase;

    ManifestKind(String kind, String apiVersion, ObjectCase objectCase) {
        this.kind = kind;
        this.apiVersion = apiVersion;
        this.objectCase = objectCase;
    }

    /** The kind held by {@code object}; an object with no case set is rejected. */
    public static ManifestKind of(TypedObject object) {
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
            case OBJECT_NOT_SET -> throw new IllegalArgumentException("TypedObject has no object set");
        };
    }

    /** The kind spelled {@code kind} in manifests, exactly ("Deployment", not "deployment"). */
    public static Optional<ManifestKind> forKind(String kind) {
        return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
    }

    /** The kind whose message type is {@code type}. */
    public static Optional<ManifestKind> forMessageType(Descriptor type) {
        return Arrays.stream(values()).filter(k -> k.messageType() == type).findFirst();
    }

    /** Every {@link #kind()}, in oneof order, for error messages and completion. */
    public static List<String> kinds() {
        return Arrays.stream(values()).map(ManifestKind::kind).toList();
    }

    /** {@code object} (a Pod, a Deployment, ...) in a TypedObject. */
    public static TypedObject wrap(Message object) {
        ManifestKind kind = forMessageType(object.getDescriptorForType())
                .orElseThrow(() -> new IllegalArgumentException(
                        object.getDescriptorForType().getFullName() + " is not an object kind"));
        return TypedObject.newBuilder().setField(kind.field(), object).build();
    }

    /** The Pod, Deployment, ... held by {@code object}. */
    public static Message unwrap(TypedObject object) {
        return (Message) object.getField(of(object).field());
    }

    /** As written in manifests and in ObjectService requests: "Pod", "ReplicaSet". */
    public String kind() {
        return kind;
    }

    /** The group and version a manifest of this kind carries: "v1", "apps/v1". */
    public String apiVersion() {
        return apiVersion;
    }

    public ObjectCase objectCase() {
        return objectCase;
    }

    /** The field of {@link TypedObject} that holds this kind. */
    public FieldDescriptor field() {
        return TypedObject.getDescriptor().findFieldByNumber(objectCase.getNumber());
    }

    /** The kind's message type, e.g. {@code capstan.api.v1.Deployment}. */
    public Descriptor messageType() {
        return field().getMessageType();
    }
}
