package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.controllers.manager.ControllerManager;
import io.capstan.controllers.manager.ControllerManagerConfig;
import io.capstan.controllers.manager.StandardControllers;
import io.capstan.controllers.nodelifecycle.NodeLifecycleConfig;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.Pod;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubelets with the controller-manager: a Deployment's pods are scheduled onto two kubelets,
 * run, and enter their Service's Endpoints at their node address and host port; when one kubelet
 * stops heartbeating, node lifecycle marks its node Unknown and its pods are replaced on the other.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterFakeRuntimeIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void podsRunOnKubeletsAndMoveOffANodeThatStopsHeartbeating(@TempDir Path root) throws Exception {
        try (KubeletHarness harness = KubeletHarness.start(root)) {
            ObjectClient api = harness.api;
            ControllerManagerConfig settings = ControllerManagerConfig.defaults("test")
                    .withNodeLifecycle(NodeLifecycleConfig.defaults()
                            .withGracePeriod(Duration.ofSeconds(6))
                            .withMonitorPeriod(Duration.ofSeconds(1))
                            .withDefaultToleration(Duration.ofSeconds(2))
                            .withTerminatingPodTimeout(Duration.ofSeconds(5)));
            FakeRuntime runtimeA = new FakeRuntime("node-a", Clock.systemUTC());
            FakeRuntime runtimeB = new FakeRuntime("node-b", Clock.systemUTC());
            try (ControllerManager manager = new ControllerManager(
                                    api, Optional.empty(), c -> List.of(new StandardControllers(c, settings)))
                            .start();
                    Kubelet b = harness.kubelet("node-b", runtimeB)) {
                Kubelet a = harness.kubelet("node-a", runtimeA);
                try {
                    for (var object : io.capstan.api.manifest.Manifests.readYaml("""
                            apiVersion: apps/v1
                            kind: Deployment
                            metadata: {name: web, namespace: default}
                            spec:
                              replicas: 4
                              selector: {matchLabels: {app: web}}
                              template:
                                metadata: {labels: {app: web}}
                                spec:
                                  containers:
                                  - name: web
                                    image: demo
                                    ports: [{name: http, containerPort: 8080}]
                            ---
                            apiVersion: v1
                            kind: Service
                            metadata: {name: web, namespace: default}
                            spec:
                              selector: {app: web}
                              ports: [{port: 80, targetPort: http}]
                            """)) {
                        api.create(object);
                    }
                    await().atMost(DEADLINE).until(() -> readyPods(api).size() == 4);
                    List<Pod> ready = readyPods(api);
                    assertThat(ready).extracting(p -> p.getSpec().getNodeName()).contains("node-a", "node-b");
                    await().atMost(DEADLINE).untilAsserted(() -> {
                        Endpoints endpoints = api.endpoints().get("default", "web");
                        assertThat(endpoints.getSubsetsList().stream()
                                        .mapToInt(s -> s.getAddressesCount() * s.getPortsCount())
                                        .sum())
                                .isEqualTo(4);
                    });
                    Endpoints endpoints = api.endpoints().get("default", "web");
                    List<Integer> listed = endpoints.getSubsetsList().stream()
                            .flatMap(s -> s.getPortsList().stream())
                            .map(p -> p.getPort())
                            .toList();
                    List<Integer> hostPorts = ready.stream()
                            .map(p -> p.getStatus().getHostPorts(0).getHostPort())
                            .toList();
                    assertThat(listed).containsExactlyInAnyOrderElementsOf(hostPorts);
                } finally {
                    a.close(); // node-a stops heartbeating; its containers stay, as after a crash
                }
                await().atMost(DEADLINE)
                        .until(() -> api.nodes().get("", "node-a").getStatus().getConditionsList().stream()
                                .anyMatch(c -> c.getType().equals("Ready")
                                        && c.getStatus() == ConditionStatus.CONDITION_STATUS_UNKNOWN));
                await().atMost(DEADLINE).untilAsserted(() -> {
                    List<Pod> running = readyPods(api);
                    assertThat(running).hasSize(4);
                    assertThat(running).allMatch(p -> p.getSpec().getNodeName().equals("node-b"));
                });
                assertThat(api.nodes().get("", "node-b").getStatus().getConditionsList())
                        .filteredOn(c -> c.getType().equals("Ready"))
                        .extracting(NodeCondition::getStatus)
                        .containsExactly(ConditionStatus.CONDITION_STATUS_TRUE);
            }
        }
    }

    private static List<Pod> readyPods(ObjectClient api) {
        return api.pods().list(ListOptions.inNamespace("default")).items().stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .filter(p -> p.getStatus().getConditionsList().stream()
                        .anyMatch(c ->
                                c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE))
                .toList();
    }
}
