package io.capstan.kubelet.pod;

import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The host ports of a node's pods. Each declared container port gets one for the pod's lifetime:
 * the spec's hostPort when set, else a free ephemeral port of the node's address. A pod keeps the
 * ports recorded in its status.hostPorts (so a restarted kubelet and restarted containers keep
 * them, and Endpoints stay valid); ports are released when the pod is removed from the node.
 */
final class HostPorts {
    private final String hostIp;
    private final Set<Integer> taken = new HashSet<>();

    HostPorts(String hostIp) {
        this.hostIp = hostIp;
    }

    /**
     * The bindings for {@code pod}: those in its status that still match a declared port, plus new
     * ones for declared ports without one.
     */
    synchronized List<HostPortBinding> bind(Pod pod) {
        List<HostPortBinding> known = pod.getStatus().getHostPortsList();
        List<HostPortBinding> bindings = new ArrayList<>();
        for (Container container : containersOf(pod)) {
            for (ContainerPort port : container.getPortsList()) {
                HostPortBinding existing = known.stream()
                        .filter(b -> b.getContainerName().equals(container.getName())
                                && b.getContainerPort() == port.getContainerPort()
                                && protocol(b.getProtocol()) == protocol(port.getProtocol()))
                        .findFirst()
                        .orElse(null);
                int hostPort;
                if (existing != null) {
                    hostPort = existing.getHostPort();
                } else if (port.getHostPort() > 0) {
                    hostPort = port.getHostPort();
                } else {
                    hostPort = freePort(protocol(port.getProtocol()));
                }
                taken.add(hostPort);
                bindings.add(HostPortBinding.newBuilder()
                        .setContainerName(container.getName())
                        .setPortName(port.getName())
                        .setContainerPort(port.getContainerPort())
                        .setProtocol(protocol(port.getProtocol()))
                        .setHostIp(hostIp)
                        .setHostPort(hostPort)
                        .build());
            }
        }
        return bindings;
    }

    synchronized void release(List<HostPortBinding> bindings) {
        for (HostPortBinding binding : bindings) {
            taken.remove(binding.getHostPort());
        }
    }

    /** The mappings of one container, for the runtime. */
    static List<PortMapping> mappings(List<HostPortBinding> bindings, String containerName) {
        List<PortMapping> mappings = new ArrayList<>();
        for (HostPortBinding b : bindings) {
            if (b.getContainerName().equals(containerName)) {
                mappings.add(new PortMapping(
                        b.getPortName(),
                        b.getContainerPort(),
                        b.getHostPort(),
                        b.getProtocol() == Protocol.PROTOCOL_UDP ? "UDP" : "TCP",
                        b.getHostIp()));
            }
        }
        return mappings;
    }

    private static List<Container> containersOf(Pod pod) {
        List<Container> all = new ArrayList<>(pod.getSpec().getInitContainersList());
        all.addAll(pod.getSpec().getContainersList());
        return all;
    }

    private static Protocol protocol(Protocol protocol) {
        return protocol == Protocol.PROTOCOL_UNSPECIFIED ? Protocol.PROTOCOL_TCP : protocol;
    }

    /** A port the OS reports free now on the node's address, not handed to another pod. */
    private int freePort(Protocol protocol) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = probe(protocol);
            if (!taken.contains(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free host port on " + hostIp + " after 50 attempts");
    }

    private int probe(Protocol protocol) {
        try {
            InetAddress address = InetAddress.getByName(hostIp);
            if (protocol == Protocol.PROTOCOL_UDP) {
                try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
                    return socket.getLocalPort();
                }
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(address, 0));
                return socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + hostIp, e);
        }
    }
}
