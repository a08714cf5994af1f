package io.capstan.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.RuntimeContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker runtimes for one test: each on a node name of its own ("it-" and a random suffix), so
 * tests running side by side on one engine never see each other's containers. {@link #close}
 * removes every container labelled with one of its nodes (whether the test passed or not) and
 * closes the runtimes.
 */
final class DockerFixture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockerFixture.class);
    static final Duration DEADLINE = Duration.ofSeconds(30);

    final String node = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final DockerClient docker = DockerEngine.newClient(DockerEngine.defaultDockerHost(), Duration.ofSeconds(5), null);
    private final Path podDirectory;
    private final List<String> nodes = new ArrayList<>();
    private final List<DockerRuntime> runtimes = new ArrayList<>();

    DockerFixture(Path podDirectory) {
        this.podDirectory = podDirectory;
        nodes.add(node);
    }

    /** A runtime for this test's node. */
    DockerRuntime runtime(DockerSettings.NetworkMode mode) {
        return runtime(node, DockerSettings.defaults().withNetworkMode(mode));
    }

    DockerRuntime runtime(String nodeName, DockerSettings settings) {
        if (!nodes.contains(nodeName)) {
            nodes.add(nodeName);
        }
        DockerRuntime runtime = DockerRuntime.connect(nodeName, settings);
        runtimes.add(runtime);
        return runtime;
    }

    /** Another node name, cleaned up with this fixture. */
    String otherNode() {
        String other = node + "-other";
        nodes.add(other);
        return other;
    }

    Config config(String container, String... command) {
        return new Config(node, container, List.of(command));
    }

    /** A container spec for a test, with a builder's setters. */
    final class Config {
        String nodeName;
        final String podUid = UUID.randomUUID().toString();
        String podName = "pod-" + podUid.substring(0, 6);
        final String container;
        int attempt;
        String image = DockerTestSupport.IMAGE;
        List<String> command;
        List<String> args = List.of();
        String workingDir = "";
        Map<String, String> env = new LinkedHashMap<>();
        List<ContainerConfig.Mount> mounts = new ArrayList<>();
        List<ContainerConfig.PortMapping> ports = new ArrayList<>();
        long cpuMillis;
        long memoryBytes;

        Config(String nodeName, String container, List<String> command) {
            this.nodeName = nodeName;
            this.container = container;
            this.command = command;
        }

        Config node(String name) {
            nodeName = name;
            return this;
        }

        Config args(String... values) {
            args = List.of(values);
            return this;
        }

        Config env(String key, String value) {
            env.put(key, value);
            return this;
        }

        Config port(String name, int containerPort, int hostPort) {
            ports.add(new ContainerConfig.PortMapping(name, containerPort, hostPort, "TCP", ""));
            return this;
        }

        Config mount(Path hostPath, String containerPath, boolean readOnly) {
            mounts.add(new ContainerConfig.Mount(containerPath, hostPath, containerPath, readOnly));
            return this;
        }

        Config workingDir(String dir) {
            workingDir = dir;
            return this;
        }

        Config limits(long cpu, long memory) {
            cpuMillis = cpu;
            memoryBytes = memory;
            return this;
        }

        Config image(String name) {
            image = name;
            return this;
        }

        ContainerLabels labels() {
            return new ContainerLabels(nodeName, podUid, "default", podName, container, attempt);
        }

        ContainerConfig build() {
            return new ContainerConfig(
                    labels(),
                    image,
                    command,
                    args,
                    workingDir,
                    env,
                    mounts,
                    ports,
                    cpuMillis,
                    memoryBytes,
                    podDirectory);
        }
    }

    /** Creates and starts a container, returning its id. */
    static String run(DockerRuntime runtime, ContainerConfig config) throws Exception {
        String id = runtime.create(config);
        runtime.start(id);
        return id;
    }

    static RuntimeContainer awaitExited(DockerRuntime runtime, String id) {
        AtomicReference<RuntimeContainer> exited = new AtomicReference<>();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            RuntimeContainer container = runtime.inspect(id);
            assertThat(container.state()).isEqualTo(RuntimeContainer.State.EXITED);
            exited.set(container);
        });
        return exited.get();
    }

    /** Waits until the container's log contains {@code text}; returns the whole log. */
    static String awaitLog(DockerRuntime runtime, String id, String text) {
        AtomicReference<String> log = new AtomicReference<>("");
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            log.set(logs(runtime, id, LogOptions.all()).all());
            assertThat(log.get()).contains(text);
        });
        return log.get();
    }

    /** A log read to its end (not followed). */
    static CollectingSink logs(DockerRuntime runtime, String id, LogOptions options)
            throws NoSuchContainerException, InterruptedException {
        CollectingSink sink = new CollectingSink();
        runtime.logs(id, options, sink);
        assertThat(sink.awaitClosed(DEADLINE)).as("log read ended").isTrue();
        return sink;
    }

    InspectContainerResponse inspectRaw(String id) {
        return docker.inspectContainerCmd(id).exec();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            for (String name : nodes) {
                List<Container> left = docker.listContainersCmd()
                        .withShowAll(true)
                        .withLabelFilter(Map.of(ContainerLabels.NODE, name))
                        .exec();
                for (Container container : left) {
                    docker.removeContainerCmd(container.getId())
                            .withForce(true)
                            .withRemoveVolumes(true)
                            .exec();
                }
                if (!left.isEmpty()) {
                    log.debug("Removed {} containers of node {}", left.size(), name);
                }
            }
        } finally {
            runtimes.forEach(DockerRuntime::close);
            try {
                docker.close();
            } catch (IOException e) {
                log.debug("Closing the test's Docker client failed", e);
            }
        }
    }
}
