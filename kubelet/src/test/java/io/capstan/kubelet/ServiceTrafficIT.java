package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.manifest.Manifests;
import io.capstan.client.DeleteOptions;
import io.capstan.client.ListOptions;
import io.capstan.controllers.manager.ControllerManager;
import io.capstan.controllers.manager.ControllerManagerConfig;
import io.capstan.controllers.manager.StandardControllers;
import io.capstan.kubelet.proxy.ProxyConfig;
import io.capstan.kubelet.runtime.process.ProcessRuntime;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Service;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a request on one node: a Deployment of three busybox web servers run as host
 * processes, the endpoints controller listing the ready ones, and the kubelet's service proxy
 * spreading connections to the Service's ClusterIP and node port over them; a replica whose
 * readiness fails stops getting traffic.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ServiceTrafficIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void trafficIsSpreadOverReadyReplicasAndMovesOffOneThatTurnsNotReady(@TempDir Path root) throws Exception {
        try (KubeletHarness harness = KubeletHarness.start(root)) {
            KubeletConfig config = harness.config("web-node").withProxy(ProxyConfig.defaults());
            ProcessRuntime runtime =
                    new ProcessRuntime("web-node", config.rootDir().resolve("runtime"), Clock.systemUTC());
            try (ControllerManager manager = new ControllerManager(
                                    harness.api,
                                    Optional.empty(),
                                    c -> List.of(new StandardControllers(c, ControllerManagerConfig.defaults("test"))))
                            .start();
                    Kubelet kubelet = Kubelet.start(harness.api, config, runtime, Clock.systemUTC())) {
                for (var object : Manifests.readYaml("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web, namespace: default}
                        spec:
                          replicas: 3
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}}
                            spec:
                              terminationGracePeriodSeconds: 2
                              containers:
                              - name: web
                                image: busybox
                                command: [sh, -c, "mkdir -p www && echo $HOSTNAME > www/index.html && exec busybox httpd -f -p 127.0.0.1:$(PORT) -h www"]
                                ports: [{name: http, containerPort: 8080}]
                                readinessProbe: {httpGet: {path: /index.html, port: http}, periodSeconds: 1, failureThreshold: 1}
                        ---
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web, namespace: default}
                        spec:
                          type: NodePort
                          selector: {app: web}
                          ports: [{port: 80, targetPort: http}]
                        """)) {
                    harness.api.create(object);
                }
                Service service = harness.api.services().get("default", "web");
                String clusterIp = service.getSpec().getClusterIp();
                int nodePort = service.getSpec().getPorts(0).getNodePort();
                await().atMost(DEADLINE).until(() -> readyPods(harness).size() == 3);
                List<String> names = readyPods(harness).stream()
                        .map(p -> p.getMetadata().getName())
                        .toList();

                await().atMost(DEADLINE).until(() -> answers(clusterIp, 80, 12).containsAll(names));
                assertThat(answers("127.0.0.1", nodePort, 12)).containsExactlyInAnyOrderElementsOf(names);

                Pod victim = readyPods(harness).get(0);
                Files.delete(
                        config.podsDir().resolve(victim.getMetadata().getUid()).resolve("root/www/index.html"));
                await().atMost(DEADLINE)
                        .until(() -> !answers(clusterIp, 80, 12)
                                .contains(victim.getMetadata().getName()));
                Set<String> after = answers(clusterIp, 80, 12);
                assertThat(after).hasSize(2).doesNotContain(victim.getMetadata().getName());

                harness.api.deployments().delete("default", "web");
                for (Pod pod : harness.api
                        .pods()
                        .list(ListOptions.inNamespace("default"))
                        .items()) {
                    harness.api
                            .pods()
                            .delete(
                                    "default",
                                    pod.getMetadata().getName(),
                                    DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
                }
                await().atMost(DEADLINE).until(() -> runtime.list().isEmpty());
            } finally {
                // a failed run must not leave its web servers behind
                for (var container : runtime.list()) {
                    runtime.stop(container.id(), Duration.ZERO);
                    runtime.remove(container.id());
                }
                runtime.close();
            }
        }
    }

    /** The distinct answers of {@code count} HTTP/1.0 requests, each on a connection of its own. */
    private static Set<String> answers(String host, int port, int count) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2000);
                socket.setSoTimeout(5000);
                socket.getOutputStream()
                        .write("GET /index.html HTTP/1.0\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (response.startsWith("HTTP/1.0 200") || response.startsWith("HTTP/1.1 200")) {
                    seen.add(
                            response.substring(response.indexOf("\r\n\r\n") + 4).trim());
                }
            } catch (IOException e) {
                // reset while no endpoint is ready: no answer
            }
        }
        return seen;
    }

    private static List<Pod> readyPods(KubeletHarness harness) {
        return harness.api.pods().list(ListOptions.inNamespace("default")).items().stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .filter(p -> p.getStatus().getConditionsList().stream()
                        .anyMatch(c ->
                                c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE))
                .toList();
    }
}
