package io.capstan.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.kubelet.KubeletHarness;
import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The resolved config of one container attempt, as the runtime gets it. */
class ContainerConfigsTest {
    private static final ConfigSource SERVICES = new ConfigSource() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public List<Service> services(String namespace) {
            return List.of(Service.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName("api"))
                    .setSpec(ServiceSpec.newBuilder()
                            .setClusterIp("127.77.0.9")
                            .addPorts(ServicePort.newBuilder().setPort(80)))
                    .build());
        }
    };

    private static final Pod POD = KubeletHarness.pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: front-1, namespace: shop, uid: u-123}
            spec:
              nodeName: node-a
              volumes:
              - {name: data, emptyDir: {}}
              containers:
              - name: web
                image: demo
                command: [serve, --api, "http://$(API_SERVICE_HOST):$(API_SERVICE_PORT)"]
                args: [--port, $(PORT)]
                workingDir: /srv
                env:
                - {name: API_SERVICE_PORT, value: "8081"}
                volumeMounts:
                - {name: data, mountPath: /var/data}
                - {name: data, mountPath: /var/cache, subPath: cache, readOnly: true}
                resources:
                  limits: {cpu: 250m, memory: 64Mi}
            """);
    private static final List<ContainerConfig.PortMapping> PORTS =
            List.of(new ContainerConfig.PortMapping("http", 8080, 31080, "TCP", "127.0.0.1"));

    @Test
    void servicesThenHostnameThenPortsThenTheSpecsOwnEnv() throws Exception {
        ContainerConfig config = configure(true, 2, Map.of("data", Path.of("/pods/u-123/data")));

        assertThat(config.env())
                .containsEntry("API_SERVICE_HOST", "127.77.0.9")
                .containsEntry("API_SERVICE_PORT", "8081") // the spec's value wins
                .containsEntry("HOSTNAME", "front-1")
                .containsEntry("PORT", "31080")
                .containsEntry("PORT_HTTP", "31080");
        assertThat(config.command()).containsExactly("serve", "--api", "http://127.77.0.9:8081");
        assertThat(config.args()).containsExactly("--port", "31080");
        assertThat(config.workingDir()).isEqualTo("/srv");
        assertThat(config.labels().node()).isEqualTo("node-a");
        assertThat(config.labels().podUid()).isEqualTo("u-123");
        assertThat(config.labels().attempt()).isEqualTo(2);
        assertThat(config.ports()).isEqualTo(PORTS);
        assertThat(config.podDirectory()).isEqualTo(Path.of("/pods/u-123"));
    }

    @Test
    void aRuntimeThatPublishesPortsGetsNoPortVariables() throws Exception {
        ContainerConfig config = configure(false, 0, Map.of("data", Path.of("/d")));

        assertThat(config.env()).doesNotContainKeys("PORT", "PORT_HTTP", "PORT_8080");
        assertThat(config.args()).containsExactly("--port", "$(PORT)"); // unknown references stay, as in Kubernetes
    }

    @Test
    void mountsAreTheVolumesDirectoriesOrTheSubPathBelowAndLimitsComeFromResources() throws Exception {
        ContainerConfig config = configure(true, 0, Map.of("data", Path.of("/pods/u-123/data")));

        assertThat(config.mounts())
                .containsExactly(
                        new ContainerConfig.Mount("data", Path.of("/pods/u-123/data"), "/var/data", false),
                        new ContainerConfig.Mount("data", Path.of("/pods/u-123/data/cache"), "/var/cache", true));
        assertThat(config.cpuMillis()).isEqualTo(250);
        assertThat(config.memoryBytes()).isEqualTo(64L << 20);
    }

    @Test
    void aMountOfAVolumeThatWasNotPreparedIsAConfigError() {
        assertThatThrownBy(() -> configure(true, 0, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("volume \"data\" not found");
    }

    /** The web container's config for attempt {@code attempt} on node-a, in the pod directory /pods/u-123. */
    private static ContainerConfig configure(boolean portsInEnvironment, int attempt, Map<String, Path> volumes)
            throws ConfigException {
        return new ContainerConfigs("node-a", SERVICES, portsInEnvironment)
                .of(POD, POD.getSpec().getContainers(0), attempt, volumes, PORTS, Path.of("/pods/u-123"));
    }
}
