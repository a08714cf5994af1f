package io.capstan.cli.output;

import io.capstan.api.manifest.EnumSpelling;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.client.Kind;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeAddress;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The columns {@code capstan get} shows per kind, as kubectl's printers do: pods {@code NAME READY
 * STATUS RESTARTS AGE} (wide adds {@code IP NODE}), deployments {@code NAME READY UP-TO-DATE
 * AVAILABLE AGE}, services {@code NAME TYPE CLUSTER-IP PORT(S) AGE}, nodes {@code NAME STATUS ROLES
 * AGE} (wide adds the kubelet version, the internal IP and the cpu and memory the node's pods
 * request, {@code CPU(REQ) MEMORY(REQ)}, against its allocatable), and so on; {@code NAME AGE} for kinds without columns of their own.
 */
public final class TableColumns {
    private static final String NONE = "<none>";
    private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";

    private TableColumns() {}

    public static List<String> headers(ManifestKind kind, boolean wide) {
        return switch (kind) {
            case POD ->
                wide
                        ? List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE")
                        : List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE");
            case DEPLOYMENT ->
                wide
                        ? List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR")
                        : List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
            case REPLICA_SET -> List.of("NAME", "DESIRED", "CURRENT", "READY", "AGE");
            case SERVICE ->
                wide
                        ? List.of("NAME", "TYPE", "CLUSTER-IP", "PORT(S)", "AGE", "SELECTOR")
                        : List.of("NAME", "TYPE", "CLUSTER-IP", "PORT(S)", "AGE");
            case NODE ->
                wide
                        ? List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "CPU(REQ)", "MEMORY(REQ)")
                        : List.of("NAME", "STATUS", "ROLES", "AGE");
            case CONFIG_MAP -> List.of("NAME", "DATA", "AGE");
            case SECRET -> List.of("NAME", "TYPE", "DATA", "AGE");
            case NAMESPACE -> List.of("NAME", "STATUS", "AGE");
            case EVENT -> List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
            case ENDPOINTS, LEASE -> List.of("NAME", "AGE");
            case INGRESS ->
                wide
                        ? List.of("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE", "RULES")
                        : List.of("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE");
            case ALERT_ROUTE -> List.of("NAME", "WEBHOOK", "DELIVERED", "LAST DELIVERED", "LAST ERROR", "AGE");
        };
    }

    /** The cells of {@code object} under {@link #headers}, with ages as of {@code now}. */
    public static List<String> cells(TypedObject object, boolean wide, Instant now) {
        return cells(object, wide, now, Map.of());
    }

    /**
     * As {@link #cells(TypedObject, boolean, Instant)}; a node's wide row shows its entry of {@code
     * allocations} (none: nothing requested).
     */
    public static List<String> cells(
            TypedObject object, boolean wide, Instant now, Map<String, NodeAllocation> allocations) {
        ObjectMeta meta = Kind.metadataOf(object);
        String name = meta.getName();
        String age = Age.since(meta.getCreationTimestamp(), now);
        return switch (ManifestKind.of(object)) {
            case POD -> pod(object.getPod(), wide, age);
            case DEPLOYMENT -> deployment(object.getDeployment(), wide, age);
            case REPLICA_SET -> replicaSet(object.getReplicaSet(), age);
            case SERVICE -> service(object.getService(), wide, age);
            case NODE -> node(object.getNode(), wide, age, allocations.getOrDefault(name, NodeAllocation.NONE));
            case CONFIG_MAP -> {
                ConfigMap configMap = object.getConfigMap();
                yield List.of(name, String.valueOf(configMap.getDataCount() + configMap.getBinaryDataCount()), age);
            }
            case SECRET -> {
                Secret secret = object.getSecret();
                yield List.of(
                        name,
                        secret.getType().isEmpty() ? "Opaque" : secret.getType(),
                        String.valueOf(secret.getDataCount() + secret.getStringDataCount()),
                        age);
            }
            case NAMESPACE -> {
                Namespace namespace = object.getNamespace();
                String phase = EnumSpelling.of(namespace.getStatus().getPhase());
                yield List.of(name, phase.isEmpty() ? "Active" : phase, age);
            }
            case EVENT -> event(object.getEvent(), now);
            case ENDPOINTS, LEASE -> List.of(name, age);
            case INGRESS -> IngressColumns.ingress(object.getIngress(), wide, age);
            case ALERT_ROUTE -> IngressColumns.alertRoute(object.getAlertRoute(), now, age);
        };
    }

    private static List<String> pod(Pod pod, boolean wide, String age) {
        int ready = 0;
        int restarts = 0;
        for (ContainerStatus status : pod.getStatus().getContainerStatusesList()) {
            ready += status.getReady() ? 1 : 0;
            restarts += status.getRestartCount();
        }
        List<String> cells = new ArrayList<>(List.of(
                pod.getMetadata().getName(),
                ready + "/" + pod.getSpec().getContainersCount(),
                podStatus(pod),
                String.valueOf(restarts),
                age));
        if (wide) {
            cells.add(orNone(pod.getStatus().getPodIp()));
            cells.add(orNone(pod.getSpec().getNodeName()));
        }
        return cells;
    }

    /** kubectl's STATUS: the pod's reason, else a container's waiting or terminated reason, else the phase. */
    static String podStatus(Pod pod) {
        String status = EnumSpelling.of(pod.getStatus().getPhase());
        if (!pod.getStatus().getReason().isEmpty()) {
            status = pod.getStatus().getReason();
        }
        for (ContainerStatus container : pod.getStatus().getContainerStatusesList()) {
            var state = container.getState();
            if (state.hasWaiting() && !state.getWaiting().getReason().isEmpty()) {
                status = state.getWaiting().getReason();
            } else if (state.hasTerminated()) {
                var terminated = state.getTerminated();
                if (!terminated.getReason().isEmpty()) {
                    status = terminated.getReason();
                } else if (terminated.getSignal() != 0) {
                    status = "Signal:" + terminated.getSignal();
                } else {
                    status = "ExitCode:" + terminated.getExitCode();
                }
            }
        }
        if (pod.getMetadata().hasDeletionTimestamp()) {
            status = "Terminating";
        }
        return status.isEmpty() ? "Unknown" : status;
    }

    private static List<String> deployment(Deployment deployment, boolean wide, String age) {
        var status = deployment.getStatus();
        int desired = deployment.getSpec().hasReplicas() ? deployment.getSpec().getReplicas() : 1;
        List<String> cells = new ArrayList<>(List.of(
                deployment.getMetadata().getName(),
                status.getReadyReplicas() + "/" + desired,
                String.valueOf(status.getUpdatedReplicas()),
                String.valueOf(status.getAvailableReplicas()),
                age));
        if (wide) {
            var containers = deployment.getSpec().getTemplate().getSpec().getContainersList();
            cells.add(orNone(
                    String.join(",", containers.stream().map(c -> c.getName()).toList())));
            cells.add(orNone(
                    String.join(",", containers.stream().map(c -> c.getImage()).toList())));
            cells.add(orNone(labels(deployment.getSpec().getSelector().getMatchLabelsMap())));
        }
        return cells;
    }

    private static List<String> replicaSet(ReplicaSet replicaSet, String age) {
        int desired = replicaSet.getSpec().hasReplicas() ? replicaSet.getSpec().getReplicas() : 1;
        return List.of(
                replicaSet.getMetadata().getName(),
                String.valueOf(desired),
                String.valueOf(replicaSet.getStatus().getReplicas()),
                String.valueOf(replicaSet.getStatus().getReadyReplicas()),
                age);
    }

    private static List<String> service(Service service, boolean wide, String age) {
        String type = EnumSpelling.of(service.getSpec().getType());
        List<String> cells = new ArrayList<>(List.of(
                service.getMetadata().getName(),
                type.isEmpty() ? "ClusterIP" : type,
                orNone(service.getSpec().getClusterIp()),
                ports(service.getSpec().getPortsList()),
                age));
        if (wide) {
            cells.add(orNone(labels(service.getSpec().getSelectorMap())));
        }
        return cells;
    }

    /** {@code 80/TCP,443:30443/TCP}. */
    static String ports(List<ServicePort> ports) {
        List<String> parts = new ArrayList<>();
        for (ServicePort port : ports) {
            String protocol = EnumSpelling.of(port.getProtocol());
            String nodePort = port.getNodePort() != 0 ? ":" + port.getNodePort() : "";
            parts.add(port.getPort() + nodePort + "/" + (protocol.isEmpty() ? "TCP" : protocol));
        }
        return orNone(String.join(",", parts));
    }

    private static List<String> node(Node node, boolean wide, String age, NodeAllocation allocation) {
        String name = node.getMetadata().getName();
        List<String> cells = new ArrayList<>(
                List.of(name, nodeStatus(node), nodeRoles(node.getMetadata().getLabelsMap()), age));
        if (wide) {
            Map<String, String> allocatable = node.getStatus().getAllocatableMap();
            cells.add(orNone(node.getStatus().getNodeInfo().getKubeletVersion()));
            cells.add(orNone(internalIp(node)));
            cells.add(allocation.cpuCell(allocatable.get("cpu")));
            cells.add(allocation.memoryCell(allocatable.get("memory")));
        }
        return cells;
    }

    private static String internalIp(Node node) {
        for (NodeAddress address : node.getStatus().getAddressesList()) {
            if (address.getType() == NodeAddress.Type.TYPE_INTERNAL_IP) {
                return address.getAddress();
            }
        }
        return "";
    }

    static String nodeStatus(Node node) {
        String status = "Unknown";
        for (NodeCondition condition : node.getStatus().getConditionsList()) {
            if (condition.getType().equals("Ready")) {
                status = condition.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE ? "Ready" : "NotReady";
            }
        }
        return node.getSpec().getUnschedulable() ? status + ",SchedulingDisabled" : status;
    }

    /** From the {@code node-role.kubernetes.io/<role>} labels, as kubectl. */
    static String nodeRoles(Map<String, String> labels) {
        TreeSet<String> roles = new TreeSet<>();
        for (String key : labels.keySet()) {
            if (key.startsWith(ROLE_LABEL_PREFIX) && key.length() > ROLE_LABEL_PREFIX.length()) {
                roles.add(key.substring(ROLE_LABEL_PREFIX.length()));
            }
        }
        return orNone(String.join(",", roles));
    }

    private static List<String> event(Event event, Instant now) {
        var last = event.hasLastTimestamp()
                ? event.getLastTimestamp()
                : event.getMetadata().getCreationTimestamp();
        String type = EnumSpelling.of(event.getType());
        var involved = event.getInvolvedObject();
        return List.of(
                Age.since(last, now),
                type.isEmpty() ? "Normal" : type,
                event.getReason(),
                involved.getKind().toLowerCase(Locale.ROOT) + "/" + involved.getName(),
                event.getMessage());
    }

    static String labels(Map<String, String> labels) {
        List<String> pairs = new ArrayList<>();
        new java.util.TreeMap<>(labels).forEach((k, v) -> pairs.add(k + "=" + v));
        return String.join(",", pairs);
    }

    private static String orNone(String value) {
        return value.isEmpty() ? NONE : value;
    }
}
