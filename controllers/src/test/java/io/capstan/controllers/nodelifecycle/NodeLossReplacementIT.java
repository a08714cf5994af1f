package io.capstan.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.controllers.manager.ControllerManager;
import io.capstan.controllers.manager.ControllerManagerConfig;
import io.capstan.controllers.manager.StandardControllers;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole controller-manager (scheduler, ReplicaSet, node lifecycle...) with two fake kubelets:
 * when one node stops renewing its Lease, its pods are evicted after their toleration and replaced
 * on the other node, and the evicted pods, left Terminating on the lost node, are removed in the
 * end. Periods are seconds here, not Kubernetes' 40 s and 300 s.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeLossReplacementIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void podsOfALostNodeAreReplacedOnAnotherWithinTheConfiguredPeriods(@TempDir Path root) throws Exception {
        try (TestControlPlane cluster = TestControlPlane.start(3, root)) {
            ObjectClient client = cluster.client();
            ControllerManagerConfig settings = ControllerManagerConfig.defaults("test")
                    .withNodeLifecycle(NodeLifecycleConfig.defaults()
                            .withMonitorPeriod(Duration.ofMillis(500))
                            .withGracePeriod(Duration.ofSeconds(3))
                            .withStartupGracePeriod(Duration.ofSeconds(3))
                            .withDefaultToleration(Duration.ofSeconds(2))
                            .withTerminatingPodTimeout(Duration.ofSeconds(3)));
            try (FakeKubelet a = new FakeKubelet(client, "node-a", "127.0.0.1");
                    FakeKubelet b = new FakeKubelet(client, "node-b", "127.0.0.1");
                    ControllerManager manager = new ControllerManager(
                                    client, Optional.empty(), c -> List.of(new StandardControllers(c, settings)))
                            .start()) {
                a.start(Duration.ofMillis(500));
                b.start(Duration.ofMillis(500));
                client.replicaSets().create(replicaSet("default", "web", 4));
                await().atMost(DEADLINE).until(() -> {
                    List<Pod> pods = activePods(client);
                    return pods.size() == 4
                            && pods.stream()
                                    .allMatch(p -> !p.getSpec().getNodeName().isEmpty());
                });
                assertThat(activePods(client))
                        .extracting(p -> p.getSpec().getNodeName())
                        .contains("node-a", "node-b");

                a.stop();
                await().atMost(DEADLINE).until(() -> {
                    List<Pod> pods = activePods(client);
                    return pods.size() == 4
                            && pods.stream()
                                    .allMatch(p -> p.getSpec().getNodeName().equals("node-b"));
                });
                // The evicted pods, never confirmed by node-a's kubelet, are removed after the timeout.
                await().atMost(DEADLINE)
                        .until(() -> allPods(client).stream()
                                .noneMatch(p -> p.getSpec().getNodeName().equals("node-a")));
                assertThat(activePods(client)).hasSize(4);
            }
        }
    }

    private static List<Pod> allPods(ObjectClient client) {
        return client.pods().list("default", LabelSelector.parse("app=web"));
    }

    private static List<Pod> activePods(ObjectClient client) {
        return allPods(client).stream()
                .filter(p -> !p.getMetadata().hasDeletionTimestamp())
                .toList();
    }

    private static ReplicaSet replicaSet(String ns, String name, int replicas) {
        ReplicaSet.Builder rs = ReplicaSet.newBuilder();
        rs.getMetadataBuilder().setNamespace(ns).setName(name);
        rs.getSpecBuilder().setReplicas(replicas).getSelectorBuilder().putMatchLabels("app", name);
        rs.getSpecBuilder().getTemplateBuilder().getMetadataBuilder().putLabels("app", name);
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage("web:1"));
        return rs.build();
    }
}
