package io.capstan.kubelet.runtime.docker;

import java.time.Duration;

/**
 * How {@link DockerRuntime} reaches the engine and what every container gets.
 *
 * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock} or {@code
 *     tcp://127.0.0.1:2375}; TLS settings come from docker-java's usual {@code DOCKER_TLS_VERIFY}
 *     and {@code DOCKER_CERT_PATH}
 * @param networkMode host networking (the default) or bridge
 * @param logMaxSize json-file {@code max-size}: a container's log file is rotated at this size
 *     (e.g. "10m")
 * @param logMaxFiles json-file {@code max-file}: how many rotated files are kept, at least 1
 * @param pullTimeout how long one pull may take before it counts as failed
 */
public record DockerSettings(
        String dockerHost, NetworkMode networkMode, String logMaxSize, int logMaxFiles, Duration pullTimeout) {

    /** How containers reach the network; see {@link DockerRuntime}'s class comment. */
    public enum NetworkMode {
        /** The host's network, ports handed over in variables. */
        HOST,
        /** Docker's bridge, ports published on loopback. */
        BRIDGE
    }

    public DockerSettings {
        if (logMaxFiles < 1) {
            throw new IllegalArgumentException("logMaxFiles: must be >= 1, got " + logMaxFiles);
        }
        if (logMaxSize.isBlank()) {
            throw new IllegalArgumentException("logMaxSize: required, e.g. 10m");
        }
    }

    /**
     * {@link #DockerEngine.defaultDockerHost()}, host networking, logs rotated at 10 MiB keeping 5 files (the
     * kubelet's containerLogMaxSize and containerLogMaxFiles defaults), pulls of up to 5 minutes.
     */
    public static DockerSettings defaults() {
        return new DockerSettings(DockerEngine.defaultDockerHost(), NetworkMode.HOST, "10m", 5, Duration.ofMinutes(5));
    }

    public DockerSettings withDockerHost(String dockerHost) {
        return new DockerSettings(dockerHost, networkMode, logMaxSize, logMaxFiles, pullTimeout);
    }

    public DockerSettings withNetworkMode(NetworkMode networkMode) {
        return new DockerSettings(dockerHost, networkMode, logMaxSize, logMaxFiles, pullTimeout);
    }

    public DockerSettings withLogRotation(String logMaxSize, int logMaxFiles) {
        return new DockerSettings(dockerHost, networkMode, logMaxSize, logMaxFiles, pullTimeout);
    }

    public DockerSettings withPullTimeout(Duration pullTimeout) {
        return new DockerSettings(dockerHost, networkMode, logMaxSize, logMaxFiles, pullTimeout);
    }
}
