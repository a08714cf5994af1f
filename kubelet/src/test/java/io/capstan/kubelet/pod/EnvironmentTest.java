package io.capstan.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.capstan.kubelet.KubeletHarness;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentTest {
    private static final ConfigSource CONFIG = new ConfigSource() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
            if (!name.equals("settings")) {
                return Optional.empty();
            }
            return Optional.of(ConfigMap.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
                    .putData("LOG_LEVEL", "debug")
                    .putData("not-a-name", "skipped")
                    .putData("greeting", "hello")
                    .build());
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            if (!name.equals("creds")) {
                return Optional.empty();
            }
            return Optional.of(Secret.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
                    .putData("password", ByteString.copyFromUtf8("s3cret"))
                    .build());
        }
    };

    private static Pod pod(String containerYaml) {
        return KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, namespace: shop, labels: {app: web}}
                spec:
                  nodeName: node-a
                  containers:
                """ + containerYaml.indent(2));
    }

    @Test
    void envFromFirstThenEnvInOrderWithExpansionAndSources() throws Exception {
        Pod pod = pod("""
                - name: web
                  image: demo
                  envFrom:
                  - configMapRef: {name: settings}
                  - prefix: DB_
                    secretRef: {name: creds}
                  env:
                  - {name: LOG_LEVEL, value: info}
                  - {name: MESSAGE, value: "$(GREETING_MISSING) $(LOG_LEVEL) $$(LOG_LEVEL)"}
                  - name: PASSWORD
                    valueFrom: {secretKeyRef: {name: creds, key: password}}
                  - name: GREETING
                    valueFrom: {configMapKeyRef: {name: settings, key: greeting}}
                  - name: POD
                    valueFrom: {fieldRef: {fieldPath: metadata.name}}
                  - name: APP
                    valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
                """);
        Map<String, String> env = Environment.of(
                pod, pod.getSpec().getContainers(0), CONFIG, Map.of("PORT", "31000", "HOSTNAME", "web-1"));
        assertThat(env)
                .containsEntry("PORT", "31000")
                .containsEntry("LOG_LEVEL", "info")
                .containsEntry("DB_password", "s3cret")
                .containsEntry("MESSAGE", "$(GREETING_MISSING) info $(LOG_LEVEL)")
                .containsEntry("PASSWORD", "s3cret")
                .containsEntry("GREETING", "hello")
                .containsEntry("POD", "web-1")
                .containsEntry("APP", "web")
                .doesNotContainKey("not-a-name");
        assertThat(Environment.expandAll(java.util.List.of("--level=$(LOG_LEVEL)", "$(NOPE)"), env))
                .containsExactly("--level=info", "$(NOPE)");
    }

    @Test
    void aMissingSourceNamesIt() {
        Pod missingMap = pod("""
                - name: web
                  image: demo
                  envFrom: [{configMapRef: {name: absent}}]
                """);
        assertThatThrownBy(() -> Environment.of(missingMap, missingMap.getSpec().getContainers(0), CONFIG, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configmap \"absent\" not found");
        Pod missingKey = pod("""
                - name: web
                  image: demo
                  env:
                  - name: X
                    valueFrom: {secretKeyRef: {name: creds, key: nope}}
                """);
        assertThatThrownBy(() -> Environment.of(missingKey, missingKey.getSpec().getContainers(0), CONFIG, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("couldn't find key nope in Secret shop/creds");
    }

    @Test
    void optionalSourcesMayBeMissing() throws Exception {
        Pod pod = pod("""
                - name: web
                  image: demo
                  envFrom: [{configMapRef: {name: absent, optional: true}}]
                  env:
                  - name: X
                    valueFrom: {configMapKeyRef: {name: absent, key: k, optional: true}}
                """);
        assertThat(Environment.of(pod, pod.getSpec().getContainers(0), CONFIG, Map.of()))
                .isEmpty();
    }

    private static io.capstan.proto.api.v1.Service service(String name, String clusterIp, ServicePort... ports) {
        return io.capstan.proto.api.v1.Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("shop").setName(name))
                .setSpec(ServiceSpec.newBuilder().setClusterIp(clusterIp).addAllPorts(List.of(ports)))
                .build();
    }

    @Test
    void serviceVariablesAreKubernetesOnesForServicesWithAClusterIp() {
        Map<String, String> env = Environment.serviceVariables(List.of(
                service(
                        "redis-primary",
                        "127.77.0.11",
                        ServicePort.newBuilder().setPort(6379).build(),
                        ServicePort.newBuilder()
                                .setName("metrics-http")
                                .setPort(9121)
                                .setProtocol(Protocol.PROTOCOL_UDP)
                                .build()),
                service("headless", "None", ServicePort.newBuilder().setPort(80).build()),
                service("unallocated", "", ServicePort.newBuilder().setPort(80).build())));

        assertThat(env)
                .isEqualTo(Map.ofEntries(
                        Map.entry("REDIS_PRIMARY_SERVICE_HOST", "127.77.0.11"),
                        Map.entry("REDIS_PRIMARY_SERVICE_PORT", "6379"),
                        Map.entry("REDIS_PRIMARY_SERVICE_PORT_METRICS_HTTP", "9121"),
                        Map.entry("REDIS_PRIMARY_PORT", "tcp://127.77.0.11:6379"),
                        Map.entry("REDIS_PRIMARY_PORT_6379_TCP", "tcp://127.77.0.11:6379"),
                        Map.entry("REDIS_PRIMARY_PORT_6379_TCP_PROTO", "tcp"),
                        Map.entry("REDIS_PRIMARY_PORT_6379_TCP_PORT", "6379"),
                        Map.entry("REDIS_PRIMARY_PORT_6379_TCP_ADDR", "127.77.0.11"),
                        Map.entry("REDIS_PRIMARY_PORT_9121_UDP", "udp://127.77.0.11:9121"),
                        Map.entry("REDIS_PRIMARY_PORT_9121_UDP_PROTO", "udp"),
                        Map.entry("REDIS_PRIMARY_PORT_9121_UDP_PORT", "9121"),
                        Map.entry("REDIS_PRIMARY_PORT_9121_UDP_ADDR", "127.77.0.11")));
    }

    @Test
    void theSpecsVariablesWinOverServiceVariables() throws Exception {
        Pod pod = pod("""
                - name: web
                  image: demo
                  env:
                  - {name: WEB_SERVICE_HOST, value: mine}
                  - {name: COPY, value: $(WEB_SERVICE_PORT)}
                """);
        Map<String, String> services = Environment.serviceVariables(List.of(service(
                "web", "127.77.0.5", ServicePort.newBuilder().setPort(8080).build())));

        Map<String, String> env = Environment.of(pod, pod.getSpec().getContainers(0), CONFIG, services);

        assertThat(env)
                .containsEntry("WEB_SERVICE_HOST", "mine")
                .containsEntry("WEB_SERVICE_PORT", "8080")
                .containsEntry("COPY", "8080")
                .containsEntry("WEB_PORT", "tcp://127.77.0.5:8080");
    }
}
