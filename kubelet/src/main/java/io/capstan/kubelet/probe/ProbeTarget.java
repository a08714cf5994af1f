package io.capstan.kubelet.probe;

import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.proto.api.v1.IntOrString;
import java.util.List;

/**
 * Where a container's probes go.
 *
 * @param containerId the runtime's id of the container, for exec probes
 * @param hostAddress the pod's address, e.g. "127.0.0.1": HTTP and TCP probes connect here unless
 *     the probe names a host
 * @param ports the host port the kubelet chose for each declared container port; the container
 *     answers on its host port (host networking) or the runtime publishes it there (Docker bridge
 *     mode), so probes connect to host ports
 */
public record ProbeTarget(String containerId, String hostAddress, List<PortMapping> ports) {

    public ProbeTarget {
        ports = List.copyOf(ports);
    }

    /**
     * The host port to connect to for a probe's {@code port}: a number is a container port, mapped
     * to its host port when declared (TCP) and used as is otherwise; a name is a declared port's
     * name, or failing that a number written as a string (Kubernetes' last-ditch reading).
     *
     * @throws IllegalArgumentException when the port is unset, names no declared port, or is out of
     *     1-65535; the message says which
     */
    public int hostPort(IntOrString port) {
        return switch (port.getValueCase()) {
            case INT_VAL -> byNumber(port.getIntVal());
            case STR_VAL -> byName(port.getStrVal());
            case VALUE_NOT_SET -> throw new IllegalArgumentException("port: not set");
        };
    }

    private int byNumber(int containerPort) {
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("invalid port number: " + containerPort);
        }
        for (PortMapping mapping : ports) {
            if (mapping.containerPort() == containerPort && isTcp(mapping)) {
                return mapping.hostPort();
            }
        }
        return containerPort;
    }

    private int byName(String name) {
        for (PortMapping mapping : ports) {
            if (!name.isEmpty() && mapping.name().equals(name) && isTcp(mapping)) {
                return mapping.hostPort();
            }
        }
        int number;
        try {
            number = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port \"" + name + "\" not found among the container's ports", e);
        }
        return byNumber(number);
    }

    private static boolean isTcp(PortMapping mapping) {
        return mapping.protocol().isEmpty() || mapping.protocol().equalsIgnoreCase("TCP");
    }
}
