package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.PortEnvironment;
import io.capstan.kubelet.runtime.docker.DockerSettings.NetworkMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the engine is told to create for a {@link ContainerConfig} under the runtime's {@link
 * DockerSettings}: the environment, the host config (json-file log rotation; memory with the same swap
 * limit, so an excess is an OOM kill and not swapping; cpu as NanoCpus; binds, read-only when asked;
 * host networking, or bridge with each port published on its hostIp, 127.0.0.1 when empty) and the
 * exposed ports. Pure: nothing here talks to the engine.
 */
final class ContainerSpecs {
    private final DockerSettings settings;

    ContainerSpecs(DockerSettings settings) {
        this.settings = settings;
    }

    /**
     * The container's environment as {@code KEY=value}: the config's env in order, then in host
     * networking the port variables of {@link PortEnvironment}.
     */
    List<String> environment(ContainerConfig config) {
        Map<String, String> env = new LinkedHashMap<>(config.env());
        if (settings.networkMode() == NetworkMode.HOST) {
            // after the config's env: the kubelet chose these ports, a same-named variable must not move them
            env.putAll(PortEnvironment.of(config.ports()));
        }
        List<String> list = new ArrayList<>(env.size());
        env.forEach((key, value) -> list.add(key + "=" + value));
        return list;
    }

    /** Log rotation, limits, binds and networking, as the class comment says. */
    HostConfig hostConfig(ContainerConfig config) {
        HostConfig host = HostConfig.newHostConfig()
                .withLogConfig(new LogConfig(
                        LogConfig.LoggingType.JSON_FILE,
                        Map.of(
                                "max-size",
                                settings.logMaxSize(),
                                "max-file",
                                Integer.toString(settings.logMaxFiles()))));
        if (config.memoryBytes() > 0) {
            host.withMemory(config.memoryBytes()).withMemorySwap(config.memoryBytes());
        }
        if (config.cpuMillis() > 0) {
            host.withNanoCPUs(config.cpuMillis() * 1_000_000L);
        }
        if (!config.mounts().isEmpty()) {
            host.withBinds(config.mounts().stream()
                    .map(m -> new Bind(
                            m.hostPath().toAbsolutePath().toString(),
                            new Volume(m.containerPath()),
                            m.readOnly() ? AccessMode.ro : AccessMode.rw))
                    .toList());
        }
        switch (settings.networkMode()) {
            case HOST -> host.withNetworkMode("host");
            case BRIDGE -> {
                host.withNetworkMode("bridge");
                if (!config.ports().isEmpty()) {
                    host.withPortBindings(config.ports().stream()
                            .map(p -> new PortBinding(
                                    Ports.Binding.bindIpAndPort(
                                            p.hostIp().isEmpty() ? "127.0.0.1" : p.hostIp(), p.hostPort()),
                                    exposedPort(p)))
                            .toList());
                }
            }
        }
        return host;
    }

    /** The ports to expose: in bridge mode each declared port once, in host mode none. */
    List<ExposedPort> exposedPorts(ContainerConfig config) {
        if (settings.networkMode() != NetworkMode.BRIDGE) {
            return List.of();
        }
        return config.ports().stream()
                .map(ContainerSpecs::exposedPort)
                .distinct()
                .toList();
    }

    private static ExposedPort exposedPort(ContainerConfig.PortMapping port) {
        InternetProtocol protocol =
                "UDP".equals(port.protocol().toUpperCase(Locale.ROOT)) ? InternetProtocol.UDP : InternetProtocol.TCP;
        return new ExposedPort(port.containerPort(), protocol);
    }
}
