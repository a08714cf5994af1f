package io.capstan.apiserver.registry;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.TypedObject;
import java.util.List;

/**
 * What Kubernetes' API server checks about an object of each kind before storing it. Each method
 * returns every problem found, as {@link FieldError}s with manifest paths, or an empty list when
 * the object is valid; {@link ValidationException#throwIfAny} turns them into the error the API
 * returns.
 *
 * <p><b>Expects defaulted objects.</b> The server applies {@link Defaults} first, so an enum still
 * at its *_UNSPECIFIED zero is reported as {@code required} wherever Kubernetes has a default or
 * needs a value. An unset {@code optional} number or an unset IntOrString is taken as its default.
 *
 * <p><b>Does not</b> check anything that needs other objects or the server's state: that a
 * namespace exists, that a name is unique, that a clusterIP or nodePort is free and in range
 * (the allocators do), or that referenced ConfigMaps and Secrets exist.
 *
 * <p>Stateless and thread-safe. Objects without a kind are reported at path {@code object}.
 */
public final class Validation {
    private static final FieldPath OBJECT = FieldPath.of("object");
    private static final FieldPath STATUS = FieldPath.of("status");

    private Validation() {}

    /** A new object: its metadata and content. Its status is the server's to set, and not checked. */
    public static List<FieldError> validateCreate(TypedObject object) {
        ErrorList errors = new ErrorList();
        if (object.getObjectCase() == TypedObject.ObjectCase.OBJECT_NOT_SET) {
            errors.add(OBJECT, "required: no kind set");
            return errors.toList();
        }
        MetadataValidation.validate(ObjectContent.metadata(object), ObjectKind.of(object), errors);
        content(object, errors);
        return errors.toList();
    }

    /**
     * A replacement of {@code old}: everything {@link #validateCreate} checks on {@code updated},
     * plus what may not change: metadata name, namespace, uid and creationTimestamp; a
     * Deployment's or ReplicaSet's spec.selector; a Pod's spec except container images, added
     * tolerations and a first spec.nodeName; a Service's spec.clusterIP once set; a Secret's
     * type; a Node's spec.podCIDR once set; an Event's involvedObject; the data of a ConfigMap or
     * Secret whose {@code immutable} is true, and that flag itself.
     */
    public static List<FieldError> validateUpdate(TypedObject updated, TypedObject old) {
        ErrorList errors = new ErrorList();
        if (!sameKind(updated, old, errors)) {
            return errors.toList();
        }
        MetadataValidation.validate(ObjectContent.metadata(updated), ObjectKind.of(updated), errors);
        content(updated, errors);
        MetadataValidation.validateUpdate(ObjectContent.metadata(updated), ObjectContent.metadata(old), errors);
        Runnable rules = switch (updated.getObjectCase()) {
            case POD ->
                () -> PodValidation.validateUpdate(
                        updated.getPod().getSpec(), old.getPod().getSpec(), FieldPath.of("spec"), errors);
            case REPLICA_SET ->
                () -> WorkloadValidation.replicaSetUpdate(updated.getReplicaSet(), old.getReplicaSet(), errors);
            case DEPLOYMENT ->
                () -> WorkloadValidation.deploymentUpdate(updated.getDeployment(), old.getDeployment(), errors);
            case SERVICE -> () -> ServiceValidation.serviceUpdate(updated.getService(), old.getService(), errors);
            case CONFIG_MAP ->
                () -> ConfigValidation.configMapUpdate(updated.getConfigMap(), old.getConfigMap(), errors);
            case SECRET -> () -> ConfigValidation.secretUpdate(updated.getSecret(), old.getSecret(), errors);
            case NODE -> () -> NodeValidation.nodeUpdate(updated.getNode(), old.getNode(), errors);
            case EVENT -> () -> EventValidation.eventUpdate(updated.getEvent(), old.getEvent(), errors);
            case NAMESPACE, ENDPOINTS, LEASE, INGRESS, ALERT_ROUTE -> () -> {};
            case OBJECT_NOT_SET -> throw new IllegalStateException("checked above");
        };
        rules.run();
        return errors.toList();
    }

    /**
     * A status write over {@code old}: the status of {@code updated} and the metadata rules of an
     * update. Only the status is checked, since the server keeps everything else as stored. A kind
     * without status (Endpoints, ConfigMap, Secret, Lease, Event) is reported at path {@code status}.
     */
    public static List<FieldError> validateStatusUpdate(TypedObject updated, TypedObject old) {
        ErrorList errors = new ErrorList();
        if (!sameKind(updated, old, errors)) {
            return errors.toList();
        }
        MetadataValidation.validateUpdate(ObjectContent.metadata(updated), ObjectContent.metadata(old), errors);
        String kindName = ObjectKind.of(updated).kindName();
        Runnable status = switch (updated.getObjectCase()) {
            case NAMESPACE -> () -> NamespaceValidation.status(updated.getNamespace(), errors);
            case NODE -> () -> NodeValidation.status(updated.getNode(), errors);
            case POD -> () -> PodValidation.status(updated.getPod(), old.getPod(), errors);
            case REPLICA_SET ->
                () -> WorkloadValidation.replicaSetStatus(
                        updated.getReplicaSet().getStatus(), errors);
            case DEPLOYMENT ->
                () -> WorkloadValidation.deploymentStatus(
                        updated.getDeployment().getStatus(), old.getDeployment().getStatus(), errors);
            case SERVICE -> () -> ServiceValidation.serviceStatus(updated.getService(), errors);
            case INGRESS -> () -> IngressValidation.status(updated.getIngress().getStatus(), errors);
            case ALERT_ROUTE -> () -> {};
            case ENDPOINTS, CONFIG_MAP, SECRET, LEASE, EVENT -> () -> errors.add(STATUS, kindName + " has no status");
            case OBJECT_NOT_SET -> throw new IllegalStateException("checked above");
        };
        status.run();
        return errors.toList();
    }

    private static void content(TypedObject object, ErrorList errors) {
        Runnable content = switch (object.getObjectCase()) {
            case NAMESPACE -> () -> NamespaceValidation.namespace(object.getNamespace(), errors);
            case NODE -> () -> NodeValidation.node(object.getNode(), errors);
            case POD -> () -> PodValidation.pod(object.getPod(), errors);
            case REPLICA_SET -> () -> WorkloadValidation.replicaSet(object.getReplicaSet(), errors);
            case DEPLOYMENT -> () -> WorkloadValidation.deployment(object.getDeployment(), errors);
            case SERVICE -> () -> ServiceValidation.service(object.getService(), errors);
            case ENDPOINTS -> () -> ServiceValidation.endpoints(object.getEndpoints(), errors);
            case CONFIG_MAP -> () -> ConfigValidation.configMap(object.getConfigMap(), errors);
            case SECRET -> () -> ConfigValidation.secret(object.getSecret(), errors);
            case LEASE -> () -> LeaseValidation.lease(object.getLease(), errors);
            case EVENT -> () -> EventValidation.event(object.getEvent(), errors);
            case INGRESS -> () -> IngressValidation.ingress(object.getIngress(), errors);
            case ALERT_ROUTE -> () -> AlertRouteValidation.alertRoute(object.getAlertRoute(), errors);
            case OBJECT_NOT_SET -> throw new IllegalStateException("checked by the caller");
        };
        content.run();
    }

    private static String kindName(TypedObject object) {
        return object.getObjectCase() == TypedObject.ObjectCase.OBJECT_NOT_SET
                ? "none"
                : ObjectKind.of(object).kindName();
    }

    private static boolean sameKind(TypedObject updated, TypedObject old, ErrorList errors) {
        if (updated.getObjectCase() == TypedObject.ObjectCase.OBJECT_NOT_SET) {
            errors.add(OBJECT, "required: no kind set");
            return false;
        }
        if (updated.getObjectCase() != old.getObjectCase()) {
            errors.add(OBJECT, "kind cannot change, was " + kindName(old) + ", got " + kindName(updated));
            return false;
        }
        return true;
    }
}
