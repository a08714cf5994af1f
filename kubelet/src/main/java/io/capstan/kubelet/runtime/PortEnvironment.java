package io.capstan.kubelet.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variables that hand a container its host ports, where it listens on the host
 * itself (host processes, Docker host networking). For each declared port:
 *
 * <ul>
 *   <li>{@code PORT_<containerPort>=<hostPort>}, e.g. {@code PORT_8080=31544};
 *   <li>{@code PORT_<NAME>=<hostPort>} when the port is named, upper-cased with '-' as '_', e.g.
 *       {@code PORT_HTTP=31544};
 *   <li>{@code PORT=<hostPort>} for the first declared port, the convention most servers read.
 * </ul>
 *
 * <p>In Docker bridge mode the container listens on its declared port and gets no such variables.
 */
public final class PortEnvironment {
    private PortEnvironment() {}

    public static Map<String, String> of(List<ContainerConfig.PortMapping> ports) {
        Map<String, String> env = new LinkedHashMap<>();
        for (ContainerConfig.PortMapping port : ports) {
            String hostPort = Integer.toString(port.hostPort());
            env.putIfAbsent("PORT", hostPort);
            env.put("PORT_" + port.containerPort(), hostPort);
            if (!port.name().isEmpty()) {
                env.put("PORT_" + port.name().toUpperCase(Locale.ROOT).replace('-', '_'), hostPort);
            }
        }
        return env;
    }
}
