package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.cordoned;
import static io.capstan.controllers.scheduler.SchedulerFixtures.ownedBy;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withTaint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.DeleteOptions;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TaintEffect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler against an in-process three-node control plane: nodes and pods made through the API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private TestControlPlane cluster;
    private ObjectClient client;
    private Informer<Pod> pods;
    private Informer<Node> nodes;
    private SchedulerController scheduler;

    @BeforeEach
    void start() throws Exception {
        cluster = TestControlPlane.start(3, root);
        client = cluster.client();
        pods = Informer.create(client.pods(), ListOptions.all(), Duration.ZERO);
        nodes = Informer.create(client.nodes(), ListOptions.all(), Duration.ZERO);
    }

    /** A scheduler on the test's informers, created before they start, as the controller-manager wires it. */
    private void startSchedulerOnSharedInformers() {
        scheduler = SchedulerController.create(client, pods, nodes, Clock.systemUTC(), "scheduler-it", 4);
        pods.start();
        nodes.start();
        scheduler.start();
    }

    /** A scheduler with informers of its own; the test's informers only observe. */
    private void startSelfContainedScheduler() {
        scheduler = SchedulerController.create(client, Clock.systemUTC(), "scheduler-it", 4);
        scheduler.start();
        pods.start();
        nodes.start();
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (pods != null) {
            pods.close();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void bindsPendingPodsSpreadOverTheNodesAndRecordsScheduledEvents() {
        startSchedulerOnSharedInformers();
        for (String name : List.of("n1", "n2", "n3")) {
            createNode(SchedulerFixtures.node(name, "2", "4Gi"));
        }
        awaitNodesSeen(3);
        for (int i = 0; i < 6; i++) {
            createPod(ownedBy(SchedulerFixtures.pod("web-" + i, "500m", "512Mi"), "rs-web"));
        }

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(boundNodes())
                        .as("pods per node")
                        .containsOnly(Map.entry("n1", 2), Map.entry("n2", 2), Map.entry("n3", 2)));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(events("web-0", "Scheduled"))
                        .singleElement()
                        .satisfies(event -> {
                            assertThat(event.getType()).isEqualTo(Event.Type.TYPE_NORMAL);
                            assertThat(event.getMessage()).matches("Successfully assigned default/web-0 to n[123]");
                            assertThat(event.getSource().getComponent()).isEqualTo("default-scheduler");
                        }));
    }

    @Test
    void aPodThatFitsNowhereStaysPendingWithTheReasonsUntilANodeCanTakeIt() {
        startSchedulerOnSharedInformers();
        createNode(SchedulerFixtures.node("small", "1", "4Gi"));
        createNode(withTaint(
                SchedulerFixtures.node("tainted", "8", "16Gi"),
                "dedicated",
                "db",
                TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        createNode(cordoned(SchedulerFixtures.node("cordoned", "8", "16Gi")));
        awaitNodesSeen(3);
        createPod(SchedulerFixtures.pod("big", "2", "1Gi"));

        String message = "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: db},"
                + " 1 node(s) were unschedulable.";
        await().atMost(DEADLINE).untilAsserted(() -> {
            Pod big = client.pods().get("default", "big");
            assertThat(big.getSpec().getNodeName()).isEmpty();
            assertThat(big.getStatus().getPhase()).isEqualTo(PodStatus.Phase.PHASE_PENDING);
            assertThat(podScheduled(big)).hasValueSatisfying(condition -> {
                assertThat(condition.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
                assertThat(condition.getReason()).isEqualTo("Unschedulable");
                assertThat(condition.getMessage()).isEqualTo(message);
            });
        });
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(events("big", "FailedScheduling"))
                        .anySatisfy(event -> {
                            assertThat(event.getType()).isEqualTo(Event.Type.TYPE_WARNING);
                            assertThat(event.getMessage()).isEqualTo(message);
                        }));

        createNode(SchedulerFixtures.node("large", "4", "8Gi"));

        await().atMost(DEADLINE).untilAsserted(() -> {
            Pod big = client.pods().get("default", "big");
            assertThat(big.getSpec().getNodeName()).isEqualTo("large");
            assertThat(podScheduled(big)).map(Condition::getStatus).contains(ConditionStatus.CONDITION_STATUS_TRUE);
        });
    }

    @Test
    void deletingAPodOnAFullNodeOrUncordoningANodeMakesRoom() {
        startSelfContainedScheduler();
        createNode(SchedulerFixtures.node("n1", "2", "4Gi"));
        awaitNodesSeen(1);
        createPod(SchedulerFixtures.pod("first", "2", "1Gi"));
        await().atMost(DEADLINE).until(() -> isBoundTo("first", "n1"));
        createPod(SchedulerFixtures.pod("second", "2", "1Gi"));
        awaitUnschedulable("second", "0/1 nodes are available: 1 Insufficient cpu.");

        client.pods().delete("default", "first", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));

        await().atMost(DEADLINE).until(() -> isBoundTo("second", "n1"));

        Node cordoned = cordoned(SchedulerFixtures.node("n2", "2", "4Gi"));
        createNode(cordoned);
        awaitNodesSeen(2);
        createPod(SchedulerFixtures.pod("third", "2", "1Gi"));
        awaitUnschedulable("third", "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.");

        Node stored = client.nodes().get("", "n2");
        Node.Builder uncordoned = stored.toBuilder();
        uncordoned.getSpecBuilder().setUnschedulable(false);
        client.nodes().update(uncordoned.build());

        await().atMost(DEADLINE).until(() -> isBoundTo("third", "n2"));
    }

    /** Waits until the test's node informer (the scheduler's, when shared) has seen {@code count} nodes with status. */
    private void awaitNodesSeen(int count) {
        await().atMost(DEADLINE)
                .until(() -> nodes.indexer().list().stream()
                                .filter(node -> node.getStatus().containsAllocatable("cpu"))
                                .count()
                        == count);
    }

    private void awaitUnschedulable(String pod, String message) {
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(podScheduled(client.pods().get("default", pod)))
                        .map(Condition::getMessage)
                        .contains(message));
    }

    private boolean isBoundTo(String pod, String node) {
        return client.pods().get("default", pod).getSpec().getNodeName().equals(node);
    }

    /** Creates a node, then writes the status a kubelet would: Ready and its allocatable. */
    private void createNode(Node node) {
        Node created = client.nodes()
                .create(node.toBuilder()
                        .setMetadata(node.getMetadata().toBuilder().clearUid())
                        .clearStatus()
                        .build());
        client.nodes()
                .updateStatus(created.toBuilder().setStatus(node.getStatus()).build());
    }

    private void createPod(Pod pod) {
        client.pods()
                .create(pod.toBuilder()
                        .setMetadata(pod.getMetadata().toBuilder().clearUid().clearResourceVersion())
                        .build());
    }

    private Map<String, Integer> boundNodes() {
        Map<String, Integer> counts = new HashMap<>();
        for (Pod pod : client.pods().listAll(ListOptions.inNamespace("default")).items()) {
            if (!pod.getSpec().getNodeName().isEmpty()) {
                counts.merge(pod.getSpec().getNodeName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private List<Event> events(String pod, String reason) {
        return client.events()
                .listAll(ListOptions.inNamespace("default")
                        .withFieldSelector("involvedObject.name=" + pod + ",reason=" + reason))
                .items();
    }

    private static Optional<Condition> podScheduled(Pod pod) {
        return pod.getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("PodScheduled"))
                .findFirst();
    }
}
