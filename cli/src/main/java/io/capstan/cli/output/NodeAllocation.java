package io.capstan.cli.output;

import io.capstan.api.quantity.Quantity;
import io.capstan.api.quantity.QuantityFormatException;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the pods bound to one node request, as {@code kubectl describe node} sums it: over the pods
 * that have not terminated, each pod's containers' requests (a limit stands for a missing
 * request), raised to its largest init container's where that is larger. Immutable.
 *
 * @param milliCpu cpu requested, in millicores
 * @param memoryBytes memory requested, in bytes
 */
public record NodeAllocation(long milliCpu, long memoryBytes) {
    public static final NodeAllocation NONE = new NodeAllocation(0, 0);

    private static final String CPU = "cpu";
    private static final String MEMORY = "memory";

    /** The allocation of every node some pod of {@code pods} is bound to, by node name. */
    public static Map<String, NodeAllocation> byNode(List<Pod> pods) {
        Map<String, NodeAllocation> byNode = new HashMap<>();
        for (Pod pod : pods) {
            String node = pod.getSpec().getNodeName();
            PodStatus.Phase phase = pod.getStatus().getPhase();
            if (node.isEmpty() || phase == PodStatus.Phase.PHASE_SUCCEEDED || phase == PodStatus.Phase.PHASE_FAILED) {
                continue;
            }
            byNode.merge(node, of(pod), NodeAllocation::plus);
        }
        return byNode;
    }

    /** One pod's requests. */
    static NodeAllocation of(Pod pod) {
        long cpu = 0;
        long memory = 0;
        for (Container container : pod.getSpec().getContainersList()) {
            cpu += milliCpu(request(container, CPU));
            memory += bytes(request(container, MEMORY));
        }
        for (Container init : pod.getSpec().getInitContainersList()) {
            cpu = Math.max(cpu, milliCpu(request(init, CPU)));
            memory = Math.max(memory, bytes(request(init, MEMORY)));
        }
        return new NodeAllocation(cpu, memory);
    }

    NodeAllocation plus(NodeAllocation other) {
        return new NodeAllocation(milliCpu + other.milliCpu, memoryBytes + other.memoryBytes);
    }

    /** {@code 250m/2 (12%)}: the cpu requested, of {@code allocatable}, and the share. */
    String cpuCell(@Nullable String allocatable) {
        Quantity requested = Quantity.ofMillis(milliCpu);
        Quantity total = parse(allocatable);
        if (total == null) {
            return requested + "/<unknown>";
        }
        return requested + "/" + total + " (" + percent(milliCpu, total.milliValue()) + "%)";
    }

    /** {@code 256Mi/8Gi (3%)}: the memory requested, of {@code allocatable}, and the share. */
    String memoryCell(@Nullable String allocatable) {
        Quantity requested = Quantity.of(memoryBytes, Quantity.Format.BINARY_SI);
        Quantity total = parse(allocatable);
        if (total == null) {
            return requested + "/<unknown>";
        }
        return requested + "/" + total + " (" + percent(memoryBytes, total.value()) + "%)";
    }

    private static long percent(long part, long whole) {
        return whole <= 0 ? 0 : (long) ((double) part / whole * 100);
    }

    private static @Nullable String request(Container container, String resource) {
        String request = container.getResources().getRequestsMap().get(resource);
        return request != null
                ? request
                : container.getResources().getLimitsMap().get(resource);
    }

    private static long milliCpu(@Nullable String quantity) {
        Quantity parsed = parse(quantity);
        return parsed == null ? 0 : parsed.milliValue();
    }

    private static long bytes(@Nullable String quantity) {
        Quantity parsed = parse(quantity);
        return parsed == null ? 0 : parsed.value();
    }

    private static @Nullable Quantity parse(@Nullable String quantity) {
        if (quantity == null || quantity.isEmpty()) {
            return null;
        }
        try {
            return Quantity.parse(quantity);
        } catch (QuantityFormatException e) {
            return null; // the server validates quantities; a bad one counts as nothing here
        }
    }
}
