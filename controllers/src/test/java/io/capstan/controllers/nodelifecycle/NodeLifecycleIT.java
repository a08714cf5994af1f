package io.capstan.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.manifest.Manifests;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.controller.Controller;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Taint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node lifecycle controller against an in-process control plane, with fake kubelets renewing
 * their nodes' Leases, and periods shortened to seconds: a node whose Lease stops being renewed
 * goes Unknown and is tainted, its pods are marked not ready and evicted as their tolerations run
 * out, pods left terminating are removed, and a node that comes back loses its taints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeLifecycleIT {
    private static final NodeLifecycleConfig CONFIG = NodeLifecycleConfig.defaults()
            .withMonitorPeriod(Duration.ofMillis(500))
            .withGracePeriod(Duration.ofSeconds(2))
            .withStartupGracePeriod(Duration.ofSeconds(3))
            .withDefaultToleration(Duration.ofSeconds(4))
            .withTerminatingPodTimeout(Duration.ofSeconds(2));
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private TestControlPlane cluster;
    private ObjectClient api;
    private Informer<Node> nodes;
    private Informer<Lease> leases;
    private Informer<Pod> pods;
    private ApiEventRecorder events;
    private Controller controller;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(3, root);
        api = cluster.client();
        nodes = Informer.create(api.nodes(), ListOptions.all(), Duration.ZERO);
        leases = Informer.create(
                api.leases(), ListOptions.inNamespace(NodeLifecycleController.LEASE_NAMESPACE), Duration.ZERO);
        pods = Informer.create(api.pods(), ListOptions.all(), Duration.ZERO);
        events = NodeLifecycleController.eventRecorder(api, InstantSource.system(), "node-lifecycle-it");
        controller =
                NodeLifecycleController.controller(nodes, leases, pods, api, CONFIG, InstantSource.system(), events);
        nodes.start();
        leases.start();
        pods.start();
        controller.start();
    }

    @AfterAll
    void stop() {
        if (controller != null) {
            controller.close();
        }
        if (events != null) {
            events.close();
        }
        for (Informer<?> informer : new Informer<?>[] {nodes, leases, pods}) {
            if (informer != null) {
                informer.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void lostNodeGoesUnknownIsTaintedAndItsPodsAreEvictedAsTheirTolerationsRunOut() {
        api.namespaces().create(namespace("lost"));
        try (FakeKubelet lost = new FakeKubelet(api, "lost-1", "127.0.0.11");
                FakeKubelet healthy = new FakeKubelet(api, "healthy-1", "127.0.0.12")) {
            lost.start(Duration.ofMillis(300));
            healthy.start(Duration.ofMillis(300));
            Pod patient = lost.run(api.pods().create(pod("lost", "patient", "lost-1", "")));
            Pod quick = lost.run(api.pods()
                    .create(pod(
                            "lost",
                            "quick",
                            "lost-1",
                            "{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute,"
                                    + " tolerationSeconds: 1}")));
            Pod stubborn = lost.run(api.pods().create(pod("lost", "stubborn", "lost-1", "{operator: Exists}")));
            Pod bystander = healthy.run(api.pods().create(pod("lost", "bystander", "healthy-1", "")));
            awaitTaints("lost-1", List.of());

            lost.stop();

            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(ready(api.nodes().get("", "lost-1")))
                            .isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN));
            List<Taint> taints = awaitTaints(
                    "lost-1",
                    List.of(
                            NodeTaints.UNREACHABLE + ":TAINT_EFFECT_NO_EXECUTE",
                            NodeTaints.UNREACHABLE + ":TAINT_EFFECT_NO_SCHEDULE"));
            Instant lostSince = NodeTaints.lostSince(taints).orElseThrow();
            await().atMost(DEADLINE)
                    .untilAsserted(
                            () -> assertThat(podReady(stubborn)).contains(ConditionStatus.CONDITION_STATUS_FALSE));

            Instant quickDeleted = awaitDeletionStarted(quick);
            Instant patientDeleted = awaitDeletionStarted(patient);
            // deletionTimestamp is the delete's time plus the pod's grace (1 s), in whole seconds
            assertThat(quickDeleted).isAfterOrEqualTo(lostSince.plusSeconds(1));
            assertThat(patientDeleted).isAfterOrEqualTo(lostSince.plus(CONFIG.defaultToleration()));

            // no kubelet confirms their end: they are removed once the timeout has passed
            awaitGone(quick);
            awaitGone(patient);
            assertThat(api.pods().get("lost", "stubborn").getMetadata().hasDeletionTimestamp())
                    .isFalse();
            assertThat(api.pods().get("lost", "bystander").getMetadata().hasDeletionTimestamp())
                    .isFalse();
            assertThat(podReady(bystander)).contains(ConditionStatus.CONDITION_STATUS_TRUE);
            assertThat(ready(api.nodes().get("", "healthy-1"))).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
            // events are written on the recorder's own thread
            await().atMost(DEADLINE).untilAsserted(() -> {
                assertThat(reasons("default", "lost-1")).contains("NodeNotReady");
                assertThat(reasons("lost", "patient")).contains("TaintManagerEviction");
            });

            lost.start(Duration.ofMillis(300));
            awaitTaints("lost-1", List.of());
        }
    }

    @Test
    void nodeThatNeverReportsGoesUnknownAfterTheStartupGracePeriod() {
        api.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("silent-1"))
                        .build());

        await().atMost(DEADLINE).untilAsserted(() -> {
            Node node = api.nodes().get("", "silent-1");
            assertThat(node.getStatus().getConditionsList())
                    .extracting(NodeCondition::getType)
                    .contains("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
            assertThat(ready(node)).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
            assertThat(node.getSpec().getTaintsList()).extracting(Taint::getKey).contains(NodeTaints.UNREACHABLE);
        });
    }

    @Test
    void podsOfANodeThatIsGoneOrNeverCameAreRemoved() {
        api.namespaces().create(namespace("orphans"));
        try (FakeKubelet kubelet = new FakeKubelet(api, "doomed-1", "127.0.0.13")) {
            kubelet.start(Duration.ofMillis(300));
            Pod running = kubelet.run(api.pods().create(pod("orphans", "running", "doomed-1", "")));
            Pod waiting = api.pods().create(pod("orphans", "waiting", "never-1", ""));
            kubelet.stop();

            api.nodes().delete("", "doomed-1");

            awaitGone(running);
            awaitGone(waiting);
        }
    }

    private List<Taint> awaitTaints(String node, List<String> expected) {
        return await().atMost(DEADLINE)
                .until(
                        () -> api.nodes().get("", node).getSpec().getTaintsList(),
                        taints -> taints.stream()
                                .map(t -> t.getKey() + ":" + t.getEffect())
                                .sorted()
                                .toList()
                                .equals(expected.stream().sorted().toList()));
    }

    /** The pod's deletionTimestamp once it has one (or the present, if it is already gone). */
    private Instant awaitDeletionStarted(Pod pod) {
        return await().atMost(DEADLINE)
                .until(() -> deletionTimestamp(pod), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<Instant> deletionTimestamp(Pod pod) {
        try {
            Pod now = api.pods()
                    .get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            return now.getMetadata().hasDeletionTimestamp()
                    ? Optional.of(Times.instant(now.getMetadata().getDeletionTimestamp()))
                    : Optional.empty();
        } catch (NotFoundException e) {
            throw new AssertionError("pod " + pod.getMetadata().getName() + " went before its deletion was seen");
        }
    }

    private void awaitGone(Pod pod) {
        await().atMost(DEADLINE).until(() -> {
            try {
                api.pods()
                        .get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
                return false;
            } catch (NotFoundException e) {
                return true;
            }
        });
    }

    private Optional<ConditionStatus> podReady(Pod pod) {
        return api
                .pods()
                .get(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
                .getStatus()
                .getConditionsList()
                .stream()
                .filter(c -> c.getType().equals("Ready"))
                .map(Condition::getStatus)
                .findFirst();
    }

    private List<String> reasons(String namespace, String involvedName) {
        return api
                .events()
                .listAll(ListOptions.inNamespace(namespace).withFieldSelector("involvedObject.name=" + involvedName))
                .items()
                .stream()
                .map(Event::getReason)
                .toList();
    }

    private static ConditionStatus ready(Node node) {
        return NodeHealth.readyStatus(node.getStatus());
    }

    private static Namespace namespace(String name) {
        return Namespace.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .build();
    }

    private static Pod pod(String namespace, String name, String node, String toleration) {
        return Kind.POD.unwrap(Manifests.readYaml("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeName: %s
                          terminationGracePeriodSeconds: 1
                          tolerations: [%s]
                          containers: [{name: main, image: busybox, ports: [{name: http, containerPort: 8080}]}]
                        """.formatted(name, namespace, node, toleration))
                .get(0));
    }
}
