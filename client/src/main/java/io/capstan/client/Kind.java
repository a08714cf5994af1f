package io.capstan.client;

import com.google.protobuf.Message;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.TypedObject;
import java.util.List;
import java.util.function.Function;

/**
 * An object kind with its Java message type, so typed code never casts: {@code Kind.POD} wraps a
 * {@link Pod} into a {@link TypedObject} and unwraps it back. One constant per case of {@code
 * TypedObject}'s oneof. Immutable.
 */
public final class Kind<T extends Message> {
    public static final Kind<Namespace> NAMESPACE =
            new Kind<>(ManifestKind.NAMESPACE, Namespace.class, false, Namespace::getMetadata);
    public static final Kind<Node> NODE = new Kind<>(ManifestKind.NODE, Node.class, false, Node::getMetadata);
    public static final Kind<Pod> POD = new Kind<>(ManifestKind.POD, Pod.class, true, Pod::getMetadata);
    public static final Kind<ReplicaSet> REPLICA_SET =
            new Kind<>(ManifestKind.REPLICA_SET, ReplicaSet.class, true, ReplicaSet::getMetadata);
    public static final Kind<Deployment> DEPLOYMENT =
            new Kind<>(ManifestKind.DEPLOYMENT, Deployment.class, true, Deployment::getMetadata);
    public static final Kind<Service> SERVICE =
            new Kind<>(ManifestKind.SERVICE, Service.class, true, Service::getMetadata);
    public static final Kind<Endpoints> ENDPOINTS =
            new Kind<>(ManifestKind.ENDPOINTS, Endpoints.class, true, Endpoints::getMetadata);
    public static final Kind<ConfigMap> CONFIG_MAP =
            new Kind<>(ManifestKind.CONFIG_MAP, ConfigMap.class, true, ConfigMap::getMetadata);
    public static final Kind<Secret> SECRET = new Kind<>(ManifestKind.SECRET, Secret.class, true, Secret::getMetadata);
    public static final Kind<Lease> LEASE = new Kind<>(ManifestKind.LEASE, Lease.class, true, Lease::getMetadata);
    public static final Kind<Event> EVENT = new Kind<>(ManifestKind.EVENT, Event.class, true, Event::getMetadata);
    public static final Kind<Ingress> INGRESS =
            new Kind<>(ManifestKind.INGRESS, Ingress.class, true, Ingress::getMetadata);
    public static final Kind<AlertRoute> ALERT_ROUTE =
            new Kind<>(ManifestKind.ALERT_ROUTE, AlertRoute.class, false, AlertRoute::getMetadata);

    private static final List<Kind<?>> ALL = List.of(
            NAMESPACE,
            NODE,
            POD,
            REPLICA_SET,
            DEPLOYMENT,
            SERVICE,
            ENDPOINTS,
            CONFIG_MAP,
            SECRET,
            LEASE,
            EVENT,
            INGRESS,
            ALERT_ROUTE);

    private final ManifestKind manifestKind;
    private final Class<T> type;
    private final boolean namespaced;
    private final Function<T, ObjectMeta> metadata;

    private Kind(ManifestKind manifestKind, Class<T> type, boolean namespaced, Function<T, ObjectMeta> metadata) {
        this.manifestKind = manifestKind;
        this.type = type;
        this.namespaced = namespaced;
        this.metadata = metadata;
    }

    /** Every kind, in oneof order. */
    public static List<Kind<?>> all() {
        return ALL;
    }

    /** The kind held by {@code object}. */
    public static Kind<?> of(TypedObject object) {
        ManifestKind held = ManifestKind.of(object);
        return ALL.stream()
                .filter(k -> k.manifestKind == held)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Kind for " + held));
    }

    /** The metadata of any object. */
    public static ObjectMeta metadataOf(TypedObject object) {
        return metadataOf(of(object), object);
    }

    private static <T extends Message> ObjectMeta metadataOf(Kind<T> kind, TypedObject object) {
        return kind.metadata(kind.unwrap(object));
    }

    /**
     * The metadata of a Pod, a Deployment, ... of any kind.
     *
     * @throws IllegalArgumentException if {@code object} is not of an object kind
     */
    public static ObjectMeta metadataOf(Message object) {
        for (Kind<?> kind : ALL) {
            if (kind.type.isInstance(object)) {
                return metadataOfType(kind, object);
            }
        }
        throw new IllegalArgumentException(object.getDescriptorForType().getFullName() + " is not an object kind");
    }

    private static <T extends Message> ObjectMeta metadataOfType(Kind<T> kind, Message object) {
        return kind.metadata(kind.type.cast(object));
    }

    /** As manifests and requests spell it: "Pod", "ReplicaSet". */
    public String name() {
        return manifestKind.kind();
    }

    public Class<T> type() {
        return type;
    }

    /** False for the cluster-scoped kinds, Namespace and Node. */
    public boolean isNamespaced() {
        return namespaced;
    }

    public ManifestKind manifestKind() {
        return manifestKind;
    }

    public ObjectMeta metadata(T object) {
        return metadata.apply(object);
    }

    public TypedObject wrap(T object) {
        return ManifestKind.wrap(object);
    }

    /** @throws IllegalArgumentException if {@code object} holds another kind */
    public T unwrap(TypedObject object) {
        if (object.getObjectCase() != manifestKind.objectCase()) {
            throw new IllegalArgumentException("expected a " + name() + ", got " + object.getObjectCase());
        }
        return type.cast(ManifestKind.unwrap(object));
    }

    @Override
    public String toString() {
        return name();
    }
}
