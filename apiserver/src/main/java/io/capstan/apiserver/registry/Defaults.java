package io.capstan.apiserver.registry;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetSpec;
import io.capstan.proto.api.v1.RollingUpdateDeployment;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import io.capstan.proto.api.v1.TypedObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes' defaults for every kind (its {@code SetDefaults_*} functions), applied by the server
 * before validation on every create and update. Each default fills only a field that is unset (an
 * enum at *_UNSPECIFIED, an {@code optional} field without presence, an unset IntOrString), so
 * {@code apply(apply(o)).equals(apply(o))}.
 *
 * <ul>
 *   <li>Pod, and the pod template of a ReplicaSet or Deployment: restartPolicy Always,
 *       terminationGracePeriodSeconds 30; per container imagePullPolicy Always for an image tagged
 *       ":latest" or untagged, else IfNotPresent, port protocol TCP, env fieldRef apiVersion "v1",
 *       requests defaulted to limits, probe timeoutSeconds 1, periodSeconds 10, successThreshold
 *       1, failureThreshold 3, httpGet path "/" and scheme HTTP; a volume without a source becomes
 *       an emptyDir; configMap and secret volumes get defaultMode 0644; tolerations operator
 *       Equal. Quantities are rewritten in canonical form. Pod status host ports: protocol TCP.
 *   <li>ReplicaSet: replicas 1. Deployment: replicas 1, strategy RollingUpdate with maxSurge and
 *       maxUnavailable "25%", revisionHistoryLimit 10, progressDeadlineSeconds 600
 *       (minReadySeconds is 0 when unset).
 *   <li>Service: type ClusterIP, sessionAffinity None; per port protocol TCP and targetPort = port
 *       when unset, 0 or "". Endpoints: port protocol TCP.
 *   <li>Secret: type "Opaque"; stringData folded into data (replacing equal keys) and cleared.
 *   <li>Namespace: status.phase Active. Node: status.allocatable = capacity when empty.
 *   <li>Event: type Normal, count 1 when 0.
 * </ul>
 *
 * <p><b>Does not</b> set what the server decides on create only (uid, timestamps, a Pod's Pending
 * phase, a Namespace's "kubernetes" finalizer, a Service's clusterIP): those are not defaults,
 * and re-applying them on update would undo later changes. Stateless and thread-safe.
 */
public final class Defaults {
    static final int REPLICAS = 1;
    static final String MAX_SURGE = "25%";
    static final String MAX_UNAVAILABLE = "25%";
    static final int REVISION_HISTORY_LIMIT = 10;
    static final int PROGRESS_DEADLINE_SECONDS = 600;

    private Defaults() {}

    /** {@code object} with every default applied; an object without a kind is returned as is. */
    public static TypedObject apply(TypedObject object) {
        TypedObject.Builder result = TypedObject.newBuilder();
        return switch (object.getObjectCase()) {
            case NAMESPACE ->
                result.setNamespace(namespace(object.getNamespace())).build();
            case NODE -> result.setNode(node(object.getNode())).build();
            case POD -> result.setPod(pod(object.getPod())).build();
            case REPLICA_SET ->
                result.setReplicaSet(replicaSet(object.getReplicaSet())).build();
            case DEPLOYMENT ->
                result.setDeployment(deployment(object.getDeployment())).build();
            case SERVICE -> result.setService(service(object.getService())).build();
            case ENDPOINTS ->
                result.setEndpoints(endpoints(object.getEndpoints())).build();
            case CONFIG_MAP ->
                result.setConfigMap(configMap(object.getConfigMap())).build();
            case SECRET -> result.setSecret(secret(object.getSecret())).build();
            case LEASE -> result.setLease(lease(object.getLease())).build();
            case EVENT -> result.setEvent(event(object.getEvent())).build();
            case INGRESS -> result.setIngress(ingress(object.getIngress())).build();
            case ALERT_ROUTE ->
                result.setAlertRoute(alertRoute(object.getAlertRoute())).build();
            case OBJECT_NOT_SET -> object;
        };
    }

    private static Namespace namespace(Namespace namespace) {
        if (namespace.getStatus().getPhase() != NamespaceStatus.Phase.PHASE_UNSPECIFIED) {
            return namespace;
        }
        Namespace.Builder builder = namespace.toBuilder();
        builder.getStatusBuilder().setPhase(NamespaceStatus.Phase.PHASE_ACTIVE);
        return builder.build();
    }

    private static Node node(Node node) {
        if (!node.hasStatus()) {
            return node;
        }
        Node.Builder builder = node.toBuilder();
        NodeStatus.Builder status = builder.getStatusBuilder();
        Map<String, String> capacity = canonicalQuantities(status.getCapacityMap());
        Map<String, String> allocatable = canonicalQuantities(status.getAllocatableMap());
        status.clearCapacity().putAllCapacity(capacity);
        status.clearAllocatable().putAllAllocatable(allocatable.isEmpty() ? capacity : allocatable);
        return builder.build();
    }

    private static Map<String, String> canonicalQuantities(Map<String, String> quantities) {
        Map<String, String> canonical = new TreeMap<>();
        quantities.forEach((name, value) -> canonical.put(name, PodDefaults.canonicalQuantity(value)));
        return canonical;
    }

    private static Pod pod(Pod pod) {
        Pod.Builder builder = pod.toBuilder().setSpec(PodDefaults.spec(pod.getSpec()));
        if (pod.hasStatus()) {
            builder.setStatus(PodDefaults.status(pod.getStatus()));
        }
        return builder.build();
    }

    private static PodTemplateSpec template(PodTemplateSpec template) {
        return template.toBuilder()
                .setSpec(PodDefaults.spec(template.getSpec()))
                .build();
    }

    private static ReplicaSet replicaSet(ReplicaSet replicaSet) {
        ReplicaSetSpec.Builder spec = replicaSet.getSpec().toBuilder();
        if (!spec.hasReplicas()) {
            spec.setReplicas(REPLICAS);
        }
        // an absent template stays absent, so that validation reports it as required
        if (spec.hasTemplate()) {
            spec.setTemplate(template(spec.getTemplate()));
        }
        return replicaSet.toBuilder().setSpec(spec).build();
    }

    private static Deployment deployment(Deployment deployment) {
        DeploymentSpec.Builder spec = deployment.getSpec().toBuilder();
        if (!spec.hasReplicas()) {
            spec.setReplicas(REPLICAS);
        }
        DeploymentStrategy.Builder strategy = spec.getStrategyBuilder();
        if (strategy.getType() == DeploymentStrategy.Type.TYPE_UNSPECIFIED) {
            strategy.setType(DeploymentStrategy.Type.TYPE_ROLLING_UPDATE);
        }
        if (strategy.getType() == DeploymentStrategy.Type.TYPE_ROLLING_UPDATE) {
            RollingUpdateDeployment.Builder rollingUpdate = strategy.getRollingUpdateBuilder();
            if (!rollingUpdate.hasMaxUnavailable()
                    || rollingUpdate.getMaxUnavailable().getValueCase() == IntOrString.ValueCase.VALUE_NOT_SET) {
                rollingUpdate.setMaxUnavailable(IntOrString.newBuilder().setStrVal(MAX_UNAVAILABLE));
            }
            if (!rollingUpdate.hasMaxSurge()
                    || rollingUpdate.getMaxSurge().getValueCase() == IntOrString.ValueCase.VALUE_NOT_SET) {
                rollingUpdate.setMaxSurge(IntOrString.newBuilder().setStrVal(MAX_SURGE));
            }
        }
        if (!spec.hasRevisionHistoryLimit()) {
            spec.setRevisionHistoryLimit(REVISION_HISTORY_LIMIT);
        }
        if (!spec.hasProgressDeadlineSeconds()) {
            spec.setProgressDeadlineSeconds(PROGRESS_DEADLINE_SECONDS);
        }
        if (spec.hasTemplate()) {
            spec.setTemplate(template(spec.getTemplate()));
        }
        return deployment.toBuilder().setSpec(spec).build();
    }

    private static Service service(Service service) {
        ServiceSpec.Builder spec = service.getSpec().toBuilder();
        if (spec.getType() == ServiceSpec.Type.TYPE_UNSPECIFIED) {
            spec.setType(ServiceSpec.Type.TYPE_CLUSTER_IP);
        }
        if (spec.getSessionAffinity() == ServiceSpec.SessionAffinity.SESSION_AFFINITY_UNSPECIFIED) {
            spec.setSessionAffinity(ServiceSpec.SessionAffinity.SESSION_AFFINITY_NONE);
        }
        for (int i = 0; i < spec.getPortsCount(); i++) {
            ServicePort.Builder port = spec.getPorts(i).toBuilder();
            if (port.getProtocol() == Protocol.PROTOCOL_UNSPECIFIED) {
                port.setProtocol(Protocol.PROTOCOL_TCP);
            }
            IntOrString target = port.getTargetPort();
            // Kubernetes treats a target port of 0 or "" like an absent one
            boolean unset = switch (target.getValueCase()) {
                case VALUE_NOT_SET -> true;
                case INT_VAL -> target.getIntVal() == 0;
                case STR_VAL -> target.getStrVal().isEmpty();
            };
            if (unset) {
                port.setTargetPort(IntOrString.newBuilder().setIntVal(port.getPort()));
            }
            spec.setPorts(i, port);
        }
        return service.toBuilder().setSpec(spec).build();
    }

    private static Endpoints endpoints(Endpoints endpoints) {
        Endpoints.Builder builder = endpoints.toBuilder();
        for (EndpointSubset.Builder subset : builder.getSubsetsBuilderList()) {
            for (int i = 0; i < subset.getPortsCount(); i++) {
                if (subset.getPorts(i).getProtocol() == Protocol.PROTOCOL_UNSPECIFIED) {
                    subset.setPorts(i, subset.getPorts(i).toBuilder().setProtocol(Protocol.PROTOCOL_TCP));
                }
            }
        }
        return builder.build();
    }

    private static ConfigMap configMap(ConfigMap configMap) {
        return configMap;
    }

    private static Secret secret(Secret secret) {
        Secret.Builder builder = secret.toBuilder();
        if (builder.getType().isEmpty()) {
            builder.setType(ConfigValidation.SECRET_TYPE_OPAQUE);
        }
        for (Map.Entry<String, String> entry : secret.getStringDataMap().entrySet()) {
            builder.putData(entry.getKey(), ByteString.copyFromUtf8(entry.getValue()));
        }
        return builder.clearStringData().build();
    }

    private static Lease lease(Lease lease) {
        return lease;
    }

    /** An empty path of an Ingress rule is "/". */
    private static Ingress ingress(Ingress ingress) {
        Ingress.Builder builder = ingress.toBuilder();
        for (IngressRule.Builder rule : builder.getSpecBuilder().getRulesBuilderList()) {
            for (HttpIngressPath.Builder path : rule.getHttpBuilder().getPathsBuilderList()) {
                if (path.getPath().isEmpty()) {
                    path.setPath("/");
                }
            }
        }
        return builder.build();
    }

    /** A group window of 60 s and a webhook timeout of 5 s unless given. */
    private static AlertRoute alertRoute(AlertRoute route) {
        AlertRoute.Builder builder = route.toBuilder();
        if (!builder.getSpec().hasGroupWindowSeconds()) {
            builder.getSpecBuilder().setGroupWindowSeconds(60);
        }
        if (builder.getSpec().hasWebhook() && !builder.getSpec().getWebhook().hasTimeoutSeconds()) {
            builder.getSpecBuilder().getWebhookBuilder().setTimeoutSeconds(5);
        }
        return builder.build();
    }

    private static Event event(Event event) {
        Event.Builder builder = event.toBuilder();
        if (builder.getType() == Event.Type.TYPE_UNSPECIFIED) {
            builder.setType(Event.Type.TYPE_NORMAL);
        }
        if (builder.getCount() == 0) {
            builder.setCount(1);
        }
        return builder.build();
    }
}
