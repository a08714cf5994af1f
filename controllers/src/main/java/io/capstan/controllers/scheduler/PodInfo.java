package io.capstan.controllers.scheduler;

import io.capstan.api.quantity.Quantity;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the scheduler needs of one pod, computed once from its spec: its requests, the host ports it
 * wants, its controller and its placement constraints. Immutable.
 *
 * <p>Requests follow kube-scheduler's {@code computePodResourceRequest}: the sum over the
 * containers, raised to the largest single init container where that is larger (init containers
 * run one at a time, before the others). {@link #nonZeroMilliCpu} and {@link #nonZeroMemoryBytes}
 * are the same with kube-scheduler's defaults for a container that requests nothing (100m cpu,
 * 200Mi memory); they are used for scoring only, so that pods without requests still spread.
 *
 * @param uid the pod's metadata.uid, which identifies it in the snapshot
 * @param namespace the pod's namespace
 * @param name the pod's name
 * @param milliCpu the cpu request in millicores
 * @param memoryBytes the memory request in bytes
 * @param otherRequests requests of any other resource ({@code nvidia.com/gpu}, {@code
 *     ephemeral-storage}), by name, in whole units; the pod fits only nodes with that much
 *     allocatable left; sorted by name
 * @param nonZeroMilliCpu the cpu request with the default for containers that give none
 * @param nonZeroMemoryBytes the memory request with the default for containers that give none
 * @param hostPorts the fixed host ports ({@code hostPort > 0}) of the pod's containers
 * @param controllerUid the uid of the pod's controller ownerReference, or null if it has none
 * @param nodeSelector labels a node must carry
 * @param tolerations the pod's tolerations
 */
record PodInfo(
        String uid,
        String namespace,
        String name,
        long milliCpu,
        long memoryBytes,
        Map<String, Long> otherRequests,
        long nonZeroMilliCpu,
        long nonZeroMemoryBytes,
        List<HostPort> hostPorts,
        @Nullable String controllerUid,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations) {

    /** kube-scheduler's DefaultMilliCPURequest. */
    static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    /** kube-scheduler's DefaultMemoryRequest, 200Mi. */
    static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    static final String CPU = "cpu";
    static final String MEMORY = "memory";
    static final String PODS = "pods";

    /** A fixed host port on the node; two pods wanting the same one never share a node. */
    record HostPort(Protocol protocol, int port) {
        @Override
        public String toString() {
            return port + "/" + protocol.name().substring("PROTOCOL_".length());
        }
    }

    PodInfo {
        otherRequests = Map.copyOf(otherRequests);
        hostPorts = List.copyOf(hostPorts);
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
    }

    /**
     * The scheduling facts of {@code pod}.
     *
     * @throws IllegalArgumentException if a request is not a quantity (the API server rejects such
     *     pods, so only a pod that bypassed validation has one); the message names the field
     */
    static PodInfo of(Pod pod) {
        Requests containers = new Requests();
        List<Container> containerList = pod.getSpec().getContainersList();
        for (int i = 0; i < containerList.size(); i++) {
            containers.add(Requests.of(containerList.get(i), "spec.containers[" + i + "]"));
        }
        List<Container> initContainers = pod.getSpec().getInitContainersList();
        for (int i = 0; i < initContainers.size(); i++) {
            containers.raiseTo(Requests.of(initContainers.get(i), "spec.initContainers[" + i + "]"));
        }
        List<HostPort> hostPorts = new ArrayList<>();
        for (Container container : containerList) {
            for (ContainerPort port : container.getPortsList()) {
                if (port.getHostPort() > 0) {
                    hostPorts.add(new HostPort(protocol(port.getProtocol()), port.getHostPort()));
                }
            }
        }
        return new PodInfo(
                pod.getMetadata().getUid(),
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                containers.milliCpu,
                containers.memoryBytes,
                containers.other,
                containers.nonZeroMilliCpu,
                containers.nonZeroMemoryBytes,
                hostPorts,
                controllerUid(pod),
                pod.getSpec().getNodeSelectorMap(),
                pod.getSpec().getTolerationsList());
    }

    /** Whether a pod bound to a node still holds its resources there: it is not Succeeded or Failed. */
    static boolean holdsResources(Pod pod) {
        PodStatus.Phase phase = pod.getStatus().getPhase();
        return phase != PodStatus.Phase.PHASE_SUCCEEDED && phase != PodStatus.Phase.PHASE_FAILED;
    }

    /** "namespace/name", for messages. */
    String key() {
        return namespace + "/" + name;
    }

    private static @Nullable String controllerUid(Pod pod) {
        for (OwnerReference owner : pod.getMetadata().getOwnerReferencesList()) {
            if (owner.getController()) {
                return owner.getUid();
            }
        }
        return null;
    }

    private static Protocol protocol(Protocol protocol) {
        // the API server defaults an unset protocol to TCP; a pod that skipped defaulting means TCP too
        return protocol == Protocol.PROTOCOL_UNSPECIFIED ? Protocol.PROTOCOL_TCP : protocol;
    }

    /** Requests being added up, as kube-scheduler's framework.Resource. */
    private static final class Requests {
        long milliCpu;
        long memoryBytes;
        long nonZeroMilliCpu;
        long nonZeroMemoryBytes;
        final Map<String, Long> other = new TreeMap<>();

        static Requests of(Container container, String path) {
            Requests requests = new Requests();
            Map<String, String> values = container.getResources().getRequestsMap();
            for (Map.Entry<String, String> entry : values.entrySet()) {
                String field = path + ".resources.requests[" + entry.getKey() + "]";
                switch (entry.getKey()) {
                    case CPU ->
                        requests.milliCpu = parse(entry.getValue(), field).milliValue();
                    case MEMORY ->
                        requests.memoryBytes = parse(entry.getValue(), field).value();
                    default -> {
                        long value = parse(entry.getValue(), field).value();
                        if (value > 0) {
                            requests.other.put(entry.getKey(), value);
                        }
                    }
                }
            }
            // as kube-scheduler's GetNonzeroRequests: only an absent request takes the default; an
            // explicit 0 stays 0
            requests.nonZeroMilliCpu = values.containsKey(CPU) ? requests.milliCpu : DEFAULT_MILLI_CPU_REQUEST;
            requests.nonZeroMemoryBytes = values.containsKey(MEMORY) ? requests.memoryBytes : DEFAULT_MEMORY_REQUEST;
            return requests;
        }

        void add(Requests container) {
            milliCpu = saturatedAdd(milliCpu, container.milliCpu);
            memoryBytes = saturatedAdd(memoryBytes, container.memoryBytes);
            nonZeroMilliCpu = saturatedAdd(nonZeroMilliCpu, container.nonZeroMilliCpu);
            nonZeroMemoryBytes = saturatedAdd(nonZeroMemoryBytes, container.nonZeroMemoryBytes);
            container.other.forEach((name, value) -> other.merge(name, value, Requests::saturatedAdd));
        }

        void raiseTo(Requests initContainer) {
            milliCpu = Math.max(milliCpu, initContainer.milliCpu);
            memoryBytes = Math.max(memoryBytes, initContainer.memoryBytes);
            nonZeroMilliCpu = Math.max(nonZeroMilliCpu, initContainer.nonZeroMilliCpu);
            nonZeroMemoryBytes = Math.max(nonZeroMemoryBytes, initContainer.nonZeroMemoryBytes);
            initContainer.other.forEach((name, value) -> other.merge(name, value, Math::max));
        }

        private static long saturatedAdd(long a, long b) {
            long sum = a + b;
            // both are >= 0, so an overflow shows as a negative sum
            return sum < 0 ? Long.MAX_VALUE : sum;
        }

        private static Quantity parse(String text, String field) {
            try {
                return Quantity.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
            }
        }
    }
}
