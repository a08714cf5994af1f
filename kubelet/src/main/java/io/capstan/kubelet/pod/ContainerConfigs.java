package io.capstan.kubelet.pod;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.PortEnvironment;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.VolumeMount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link ContainerConfig} of one attempt of one container, resolved for the runtime:
 *
 * <ul>
 *   <li>env, lowest precedence first: the variables of the namespace's Services as they are now
 *       ({@code WEB_SERVICE_HOST} ...), {@code HOSTNAME} (the pod's name), the port variables of
 *       {@link PortEnvironment} when the runtime hands ports over in the environment, then the
 *       spec's env and envFrom ({@link Environment#of});
 *   <li>{@code $(VAR)} references in command and args expanded against that env;
 *   <li>each volume mount as the volume's directory on the node, or the subPath below it;
 *   <li>cpu and memory limits from the spec's resources.
 * </ul>
 */
final class ContainerConfigs {
    private final String nodeName;
    private final ConfigSource config;
    private final boolean portsInEnvironment;

    /**
     * @param config where env's ConfigMaps, Secrets and Services are read
     * @param portsInEnvironment whether the runtime gives containers their ports as variables
     */
    ContainerConfigs(String nodeName, ConfigSource config, boolean portsInEnvironment) {
        this.nodeName = nodeName;
        this.config = config;
        this.portsInEnvironment = portsInEnvironment;
    }

    /**
     * @param volumes each volume's directory on the node, by volume name
     * @param ports the host ports chosen for this container's declared ports
     * @param podDirectory the pod's own directory on the node
     * @throws ConfigException when a referenced ConfigMap, Secret, key or volume is missing
     */
    ContainerConfig of(
            Pod pod,
            Container spec,
            int attempt,
            Map<String, Path> volumes,
            List<ContainerConfig.PortMapping> ports,
            Path podDirectory)
            throws ConfigException {
        Map<String, String> base = new LinkedHashMap<>(
                Environment.serviceVariables(config.services(pod.getMetadata().getNamespace())));
        base.put("HOSTNAME", pod.getMetadata().getName());
        if (portsInEnvironment) {
            base.putAll(PortEnvironment.of(ports));
        }
        Map<String, String> env = Environment.of(pod, spec, config, base);
        return new ContainerConfig(
                new ContainerLabels(
                        nodeName,
                        pod.getMetadata().getUid(),
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        spec.getName(),
                        attempt),
                spec.getImage(),
                Environment.expandAll(spec.getCommandList(), env),
                Environment.expandAll(spec.getArgsList(), env),
                spec.getWorkingDir(),
                env,
                mounts(spec, volumes),
                ports,
                Resources.cpuMillis(spec),
                Resources.memoryBytes(spec),
                podDirectory);
    }

    private static List<ContainerConfig.Mount> mounts(Container spec, Map<String, Path> volumes)
            throws ConfigException {
        List<ContainerConfig.Mount> mounts = new ArrayList<>();
        for (VolumeMount mount : spec.getVolumeMountsList()) {
            Path dir = volumes.get(mount.getName());
            if (dir == null) {
                throw new ConfigException("volume \"" + mount.getName() + "\" not found");
            }
            Path hostPath = mount.getSubPath().isEmpty() ? dir : dir.resolve(mount.getSubPath());
            mounts.add(new ContainerConfig.Mount(mount.getName(), hostPath, mount.getMountPath(), mount.getReadOnly()));
        }
        return mounts;
    }
}
