package io.capstan.kubelet.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One container to create, fully resolved by the kubelet: env values looked up, $(VAR) references
 * expanded, volumes prepared on disk, host ports chosen.
 *
 * @param labels its identity; also the runtime's labels on it
 * @param image the image reference (the process runtime only records it, or runs it as the
 *     executable when {@code command} is empty)
 * @param command replaces the image's entrypoint when not empty
 * @param args replaces the image's cmd when not empty
 * @param workingDir empty for the image's default; the process runtime resolves it under the pod
 *     directory
 * @param env in order; later entries win
 * @param mounts volumes, each a directory on the node prepared by the kubelet
 * @param ports the host port chosen for each declared container port
 * @param cpuMillis cpu limit in millicores, 0 for none
 * @param memoryBytes memory limit in bytes, 0 for none
 * @param podDirectory a directory on the node owned by the pod, shared by its containers: the
 *     process runtime's working directory root and where it keeps logs and state
 */
public record ContainerConfig(
        ContainerLabels labels,
        String image,
        List<String> command,
        List<String> args,
        String workingDir,
        Map<String, String> env,
        List<Mount> mounts,
        List<PortMapping> ports,
        long cpuMillis,
        long memoryBytes,
        Path podDirectory) {

    public ContainerConfig {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
        ports = List.copyOf(ports);
    }

    /** A directory on the node made visible in the container at {@code containerPath}. */
    public record Mount(String name, Path hostPath, String containerPath, boolean readOnly) {}

    /**
     * A declared container port and the host port the kubelet chose for it.
     *
     * @param name the port's name in the spec, or empty
     * @param protocol "TCP" or "UDP"
     * @param hostIp the address to publish on, "127.0.0.1" by default
     */
    public record PortMapping(String name, int containerPort, int hostPort, String protocol, String hostIp) {}
}
