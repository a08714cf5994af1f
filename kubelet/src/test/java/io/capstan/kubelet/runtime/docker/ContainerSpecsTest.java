package io.capstan.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ports;
import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.docker.DockerSettings.NetworkMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the engine is asked to create, checked without an engine. */
class ContainerSpecsTest {
    private static final DockerSettings HOST =
            new DockerSettings("unix:///var/run/docker.sock", NetworkMode.HOST, "20m", 3, Duration.ofMinutes(1));
    private static final DockerSettings BRIDGE = HOST.withNetworkMode(NetworkMode.BRIDGE);

    private static final List<ContainerConfig.PortMapping> PORTS = List.of(
            new ContainerConfig.PortMapping("http", 80, 31080, "TCP", ""),
            new ContainerConfig.PortMapping("dns", 53, 31053, "UDP", "127.0.0.2"));

    @Test
    void hostNetworkingHandsThePortsOverInTheEnvironmentAfterTheConfigsOwn() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GREETING", "hi");
        env.put("PORT", "9999"); // the kubelet chose the port: this must not move it
        ContainerSpecs specs = new ContainerSpecs(HOST);

        assertThat(specs.environment(config(env, PORTS, List.of(), 0, 0)))
                .containsExactly(
                        "GREETING=hi",
                        "PORT=31080",
                        "PORT_80=31080",
                        "PORT_HTTP=31080",
                        "PORT_53=31053",
                        "PORT_DNS=31053");
        HostConfig host = specs.hostConfig(config(env, PORTS, List.of(), 0, 0));
        assertThat(host.getNetworkMode()).isEqualTo("host");
        assertThat(host.getPortBindings()).isNull();
        assertThat(specs.exposedPorts(config(env, PORTS, List.of(), 0, 0))).isEmpty();
    }

    @Test
    void bridgePublishesEachPortOnLoopbackUnlessToldAndSetsNoPortVariables() {
        ContainerSpecs specs = new ContainerSpecs(BRIDGE);
        ContainerConfig config = config(Map.of("GREETING", "hi"), PORTS, List.of(), 0, 0);

        assertThat(specs.environment(config)).containsExactly("GREETING=hi");
        HostConfig host = specs.hostConfig(config);
        assertThat(host.getNetworkMode()).isEqualTo("bridge");
        Map<ExposedPort, Ports.Binding[]> bindings = host.getPortBindings().getBindings();
        assertThat(bindings.get(ExposedPort.tcp(80))).containsExactly(Ports.Binding.bindIpAndPort("127.0.0.1", 31080));
        assertThat(bindings.get(new ExposedPort(53, InternetProtocol.UDP)))
                .containsExactly(Ports.Binding.bindIpAndPort("127.0.0.2", 31053));
        assertThat(specs.exposedPorts(config)).containsExactly(ExposedPort.tcp(80), ExposedPort.udp(53));
    }

    @Test
    void limitsAreNanoCpusAndMemoryWithTheSameSwapLimit() {
        HostConfig host = new ContainerSpecs(HOST).hostConfig(config(Map.of(), List.of(), List.of(), 250, 64L << 20));

        assertThat(host.getNanoCPUs()).isEqualTo(250_000_000L);
        assertThat(host.getMemory()).isEqualTo(64L << 20);
        assertThat(host.getMemorySwap()).isEqualTo(64L << 20);
    }

    @Test
    void noLimitsLeaveTheEnginesDefaults() {
        HostConfig host = new ContainerSpecs(HOST).hostConfig(config(Map.of(), List.of(), List.of(), 0, 0));

        assertThat(host.getNanoCPUs()).isNull();
        assertThat(host.getMemory()).isNull();
        assertThat(host.getMemorySwap()).isNull();
        assertThat(host.getBinds()).isNullOrEmpty();
    }

    @Test
    void mountsAreBindsReadOnlyWhenAsked(@TempDir Path dir) {
        List<ContainerConfig.Mount> mounts = List.of(
                new ContainerConfig.Mount("config", dir.resolve("config"), "/etc/app", true),
                new ContainerConfig.Mount("data", dir.resolve("data"), "/var/data", false));
        HostConfig host = new ContainerSpecs(HOST).hostConfig(config(Map.of(), List.of(), mounts, 0, 0));

        assertThat(host.getBinds())
                .extracting(Bind::getPath, b -> b.getVolume().getPath(), Bind::getAccessMode)
                .containsExactly(
                        tuple(dir.resolve("config").toString(), "/etc/app", AccessMode.ro),
                        tuple(dir.resolve("data").toString(), "/var/data", AccessMode.rw));
    }

    @Test
    void logsAreRotatedBySizeAsTheSettingsSay() {
        LogConfig logs = new ContainerSpecs(HOST)
                .hostConfig(config(Map.of(), List.of(), List.of(), 0, 0))
                .getLogConfig();

        assertThat(logs.getType()).isEqualTo(LogConfig.LoggingType.JSON_FILE);
        assertThat(logs.getConfig()).containsEntry("max-size", "20m").containsEntry("max-file", "3");
    }

    private static ContainerConfig config(
            Map<String, String> env,
            List<ContainerConfig.PortMapping> ports,
            List<ContainerConfig.Mount> mounts,
            long cpuMillis,
            long memoryBytes) {
        return new ContainerConfig(
                new ContainerLabels("node-1", "uid-1", "default", "web", "app", 0),
                "capstan/busybox:test",
                List.of(),
                List.of(),
                "",
                env,
                mounts,
                ports,
                cpuMillis,
                memoryBytes,
                Path.of("/tmp"));
    }
}
