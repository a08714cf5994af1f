package io.capstan.controllers.endpoints;

import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The Endpoints a Service with a selector should have, from the pods it selects: Kubernetes'
 * endpoints controller, with Capstan's addressing. A pod is reached at its node's address
 * (status.hostIP) on the host port its kubelet bound for the container port the service port
 * targets (status.hostPorts), so each (pod, service port) pair resolves to (hostIP, hostPort).
 *
 * <p>Which pods count, as Kubernetes' ShouldPodBeInEndpoints: those the selector matches that are
 * not finished (Succeeded or Failed), have a hostIP, and are not being deleted (a terminating pod
 * leaves at once). Ready pods (condition Ready True) go to addresses, the others to
 * notReadyAddresses. A service port the pod has no bound host port for is left out for that pod (a
 * named targetPort the pod does not declare, or a port not yet bound).
 *
 * <p>Subsets are packed as Kubernetes' RepackSubsets: addresses that serve the same set of ports
 * share a subset. Two pods on one node share an IP but not a host port, so they land in different
 * subsets. Everything is sorted, so the same input always gives the same object and an unchanged
 * Endpoints is never rewritten. Example: service port "web" 80 → targetPort "http"; pods a and b on
 * 127.0.0.1 with http bound on host ports 31001 and 31002, c on 127.0.0.2 also on 31001:
 *
 * <pre>
 * subsets[0]: addresses [127.0.0.1 (a), 127.0.0.2 (c)], ports [web 31001]
 * subsets[1]: addresses [127.0.0.1 (b)],                ports [web 31002]
 * </pre>
 */
final class DesiredEndpoints {
    /** Kubernetes' label on the Endpoints of a headless service. */
    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    private static final Comparator<EndpointAddress> ADDRESS_ORDER = Comparator.comparing(EndpointAddress::getIp)
            .thenComparing(a -> a.getTargetRef().getName())
            .thenComparing(a -> a.getTargetRef().getUid());
    private static final Comparator<EndpointPort> PORT_ORDER =
            Comparator.comparing(EndpointPort::getName).thenComparingInt(EndpointPort::getPort);

    private DesiredEndpoints() {}

    /** The Endpoints for {@code service} given the pods of its namespace (any, matched here). */
    static Endpoints of(Service service, List<Pod> pods) {
        ObjectMeta.Builder meta = ObjectMeta.newBuilder()
                .setNamespace(service.getMetadata().getNamespace())
                .setName(service.getMetadata().getName())
                .putAllLabels(service.getMetadata().getLabelsMap());
        if (isHeadless(service)) {
            meta.putLabels(HEADLESS_LABEL, "");
        }
        return Endpoints.newBuilder()
                .setMetadata(meta)
                .addAllSubsets(subsets(service, pods))
                .build();
    }

    /**
     * Whether {@code current} already says what {@code desired} does (subsets and labels), so that
     * nothing needs writing.
     */
    static boolean isCurrent(Endpoints current, Endpoints desired) {
        return current.getSubsetsList().equals(desired.getSubsetsList())
                && current.getMetadata()
                        .getLabelsMap()
                        .equals(desired.getMetadata().getLabelsMap());
    }

    /** Whether the service's selector picks {@code pod}: same namespace, every selector label. */
    static boolean selects(Service service, Pod pod) {
        Map<String, String> selector = service.getSpec().getSelectorMap();
        if (selector.isEmpty()
                || !pod.getMetadata()
                        .getNamespace()
                        .equals(service.getMetadata().getNamespace())) {
            return false;
        }
        Map<String, String> labels = pod.getMetadata().getLabelsMap();
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** Condition Ready is True. */
    static boolean isReady(Pod pod) {
        return pod.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("Ready"))
                .map(Condition::getStatus)
                .anyMatch(s -> s == ConditionStatus.CONDITION_STATUS_TRUE);
    }

    /** Whether {@code pod} belongs in a service's Endpoints at all, ready or not. */
    static boolean isEndpoint(Pod pod) {
        PodStatus.Phase phase = pod.getStatus().getPhase();
        return phase != PodStatus.Phase.PHASE_SUCCEEDED
                && phase != PodStatus.Phase.PHASE_FAILED
                && !pod.getStatus().getHostIp().isEmpty()
                && !pod.getMetadata().hasDeletionTimestamp();
    }

    /**
     * The host port that serves {@code port} on {@code pod}: the port its targetPort names (a
     * number, or a container port's name; unset means the service port's own number), looked up
     * with the same protocol in the pod's status.hostPorts.
     */
    static OptionalInt hostPort(Pod pod, ServicePort port) {
        Protocol protocol = protocol(port.getProtocol());
        Optional<Integer> containerPort = switch (port.getTargetPort().getValueCase()) {
            case INT_VAL -> Optional.of(port.getTargetPort().getIntVal());
            case VALUE_NOT_SET -> Optional.of(port.getPort());
            case STR_VAL -> namedContainerPort(pod, port.getTargetPort().getStrVal(), protocol);
        };
        if (containerPort.isEmpty()) {
            return OptionalInt.empty();
        }
        return pod.getStatus().getHostPortsList().stream()
                .filter(b -> b.getContainerPort() == containerPort.get() && protocol(b.getProtocol()) == protocol)
                .mapToInt(HostPortBinding::getHostPort)
                .filter(p -> p > 0)
                .findFirst();
    }

    private static Optional<Integer> namedContainerPort(Pod pod, String name, Protocol protocol) {
        Optional<Integer> declared = pod.getSpec().getContainersList().stream()
                .flatMap(c -> c.getPortsList().stream())
                .filter(p -> p.getName().equals(name) && protocol(p.getProtocol()) == protocol)
                .map(ContainerPort::getContainerPort)
                .findFirst();
        if (declared.isPresent()) {
            return declared;
        }
        return pod.getStatus().getHostPortsList().stream()
                .filter(b -> b.getPortName().equals(name) && protocol(b.getProtocol()) == protocol)
                .map(HostPortBinding::getContainerPort)
                .findFirst();
    }

    private static List<EndpointSubset> subsets(Service service, List<Pod> pods) {
        // RepackSubsets: each address with the ports it serves, then addresses grouped by port set
        Map<EndpointAddress, List<EndpointPort>> ready = new LinkedHashMap<>();
        Map<EndpointAddress, List<EndpointPort>> notReady = new LinkedHashMap<>();
        boolean addressesOnly = service.getSpec().getPortsCount() == 0 && isHeadless(service);
        for (Pod pod : pods) {
            if (!selects(service, pod) || !isEndpoint(pod)) {
                continue;
            }
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort port : service.getSpec().getPortsList()) {
                hostPort(pod, port)
                        .ifPresent(hostPort -> ports.add(EndpointPort.newBuilder()
                                .setName(port.getName())
                                .setPort(hostPort)
                                .setProtocol(protocol(port.getProtocol()))
                                .build()));
            }
            if (ports.isEmpty() && !addressesOnly) {
                continue;
            }
            ports.sort(PORT_ORDER);
            (isReady(pod) ? ready : notReady).put(address(pod), ports);
        }
        Map<String, EndpointSubset.Builder> byPorts = new TreeMap<>();
        ready.forEach((address, ports) -> subset(byPorts, ports).addAddresses(address));
        notReady.forEach((address, ports) -> subset(byPorts, ports).addNotReadyAddresses(address));
        List<EndpointSubset> subsets = new ArrayList<>();
        for (EndpointSubset.Builder subset : byPorts.values()) {
            List<EndpointAddress> addresses = new ArrayList<>(subset.getAddressesList());
            List<EndpointAddress> notReadyAddresses = new ArrayList<>(subset.getNotReadyAddressesList());
            addresses.sort(ADDRESS_ORDER);
            notReadyAddresses.sort(ADDRESS_ORDER);
            subsets.add(subset.clearAddresses()
                    .addAllAddresses(addresses)
                    .clearNotReadyAddresses()
                    .addAllNotReadyAddresses(notReadyAddresses)
                    .build());
        }
        return subsets;
    }

    private static EndpointSubset.Builder subset(
            Map<String, EndpointSubset.Builder> byPorts, List<EndpointPort> ports) {
        StringBuilder key = new StringBuilder();
        for (EndpointPort port : ports) {
            key.append(String.format("%s/%05d/%d;", port.getName(), port.getPort(), port.getProtocolValue()));
        }
        return byPorts.computeIfAbsent(
                key.toString(), k -> EndpointSubset.newBuilder().addAllPorts(ports));
    }

    private static EndpointAddress address(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        return EndpointAddress.newBuilder()
                .setIp(pod.getStatus().getHostIp())
                .setNodeName(pod.getSpec().getNodeName())
                .setTargetRef(ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace(meta.getNamespace())
                        .setName(meta.getName())
                        .setUid(meta.getUid()))
                .build();
    }

    private static boolean isHeadless(Service service) {
        return service.getSpec().getClusterIp().equals("None");
    }

    /** The server defaults an unspecified protocol to TCP. */
    private static Protocol protocol(Protocol protocol) {
        return protocol == Protocol.PROTOCOL_UNSPECIFIED ? Protocol.PROTOCOL_TCP : protocol;
    }
}
