package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.bound;
import static io.capstan.controllers.scheduler.SchedulerFixtures.cordoned;
import static io.capstan.controllers.scheduler.SchedulerFixtures.node;
import static io.capstan.controllers.scheduler.SchedulerFixtures.ownedBy;
import static io.capstan.controllers.scheduler.SchedulerFixtures.pod;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withAllocatable;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withLabel;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withPhase;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withReady;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withTaint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.capstan.controllers.scheduler.ClusterSnapshot.NodeUsage;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TaintEffect;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSnapshotTest {
    private final ClusterSnapshot snapshot = new ClusterSnapshot();
    private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();

    @Test
    void assumedPodsCountSoABurstSpreadsAndThenRunsOut() {
        for (int i = 1; i <= 3; i++) {
            snapshot.upsertNode(node("n" + i, "2", "4Gi"));
        }
        Map<String, Integer> placed = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            ScheduleResult result = scheduleAndAssume(pod("p" + i, "1", "1Gi"));
            placed.merge(result.selectedNode().orElseThrow(), 1, Integer::sum);
        }

        ScheduleResult seventh = scheduleAndAssume(pod("p6", "1", "1Gi"));

        assertThat(placed).containsOnly(Map.entry("n1", 2), Map.entry("n2", 2), Map.entry("n3", 2));
        assertThat(seventh.isScheduled()).isFalse();
        assertThat(seventh.message()).isEqualTo("0/3 nodes are available: 3 Insufficient cpu.");
    }

    @Test
    void assumeThenConfirmOrForgetAsTheClassCommentShows() {
        snapshot.upsertNode(node("n1", "1", "4Gi"));
        snapshot.upsertNode(node("n2", "2", "4Gi"));
        Pod a = pod("a", "1", "1Gi");
        Pod b = pod("b", "1", "1Gi");

        assertThat(scheduleAndAssume(a).selectedNode()).contains("n2");
        assertThat(scheduleAndAssume(b).selectedNode()).contains("n1");
        assertThat(scheduleAndAssume(pod("c", "1", "1Gi")).selectedNode()).contains("n2");
        assertThat(scheduleAndAssume(pod("d", "1", "1Gi")).message())
                .isEqualTo("0/2 nodes are available: 2 Insufficient cpu.");

        assertThat(snapshot.forget(uid(b))).isTrue();
        assertThat(snapshot.usage("n1")).contains(new NodeUsage(0, 0, 0));

        snapshot.upsertPod(bound(a, "n2"));
        assertThat(snapshot.assumedNode(uid(a))).isEmpty();
        assertThat(snapshot.forget(uid(a)))
                .as("a confirmed binding is not forgotten")
                .isFalse();
        assertThat(snapshot.usage("n2")).contains(new NodeUsage(2000, 2L << 30, 2));
    }

    @Test
    void anEventOfThePodStillPendingKeepsItsAssumedBinding() {
        snapshot.upsertNode(node("n1", "2", "4Gi"));
        Pod a = pod("a", "1", "1Gi");
        scheduleAndAssume(a);

        snapshot.upsertPod(a);

        assertThat(snapshot.assumedNode(uid(a))).contains("n1");
        assertThat(snapshot.usage("n1")).contains(new NodeUsage(1000, 1L << 30, 1));
    }

    @Test
    void aPodAlreadyAssumedIsNotScheduledTwice() {
        snapshot.upsertNode(node("n1", "2", "4Gi"));
        snapshot.upsertNode(node("n2", "2", "4Gi"));
        Pod a = pod("a", "1", "1Gi");
        String first = scheduleAndAssume(a).selectedNode().orElseThrow();

        assertThat(scheduleAndAssume(a).selectedNode()).contains(first);
        assertThat(snapshot.usage(first).orElseThrow().pods()).isEqualTo(1);
        assertThatThrownBy(() -> snapshot.assume(PodInfo.of(a), "n2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("pod default/a is already assumed on node " + first);
    }

    @Test
    void aPodBoundElsewhereThanAssumedCountsWhereItIs() {
        snapshot.upsertNode(node("n1", "2", "4Gi"));
        snapshot.upsertNode(node("n2", "2", "4Gi"));
        Pod a = pod("a", "1", "1Gi");
        snapshot.assume(PodInfo.of(a), "n1");

        snapshot.upsertPod(bound(a, "n2"));

        assertThat(snapshot.usage("n1")).contains(new NodeUsage(0, 0, 0));
        assertThat(snapshot.usage("n2")).contains(new NodeUsage(1000, 1L << 30, 1));
    }

    @Test
    void aFinishedOrDeletedPodFreesItsNode() {
        snapshot.upsertNode(node("n1", "2", "4Gi"));
        Pod a = bound(pod("a", "1", "1Gi"), "n1");
        Pod b = bound(pod("b", "1", "1Gi"), "n1");
        assertThat(snapshot.upsertPod(a)).isFalse();
        assertThat(snapshot.upsertPod(b)).isFalse();
        assertThat(snapshot.usage("n1")).contains(new NodeUsage(2000, 2L << 30, 2));

        assertThat(snapshot.upsertPod(withPhase(a, PodStatus.Phase.PHASE_SUCCEEDED)))
                .isTrue();
        assertThat(snapshot.upsertPod(withPhase(a, PodStatus.Phase.PHASE_SUCCEEDED)))
                .isFalse();
        assertThat(snapshot.removePod(b)).isTrue();
        assertThat(snapshot.removePod(b)).isFalse();

        assertThat(snapshot.usage("n1")).contains(new NodeUsage(0, 0, 0));
    }

    @Test
    void repeatedEventsOfABoundPodCountItOnce() {
        snapshot.upsertNode(node("n1", "2", "4Gi"));
        Pod a = bound(pod("a", "1", "1Gi"), "n1");

        snapshot.upsertPod(a);
        snapshot.upsertPod(withPhase(a, PodStatus.Phase.PHASE_RUNNING));

        assertThat(snapshot.usage("n1")).contains(new NodeUsage(1000, 1L << 30, 1));
    }

    @Test
    void podsSeenBeforeTheirNodeCountOnceItArrives() {
        snapshot.upsertPod(bound(pod("a", "2", "1Gi"), "n1"));

        assertThat(snapshot.nodeCount()).isZero();
        assertThat(scheduleAndAssume(pod("b", "1", "1Gi")).message()).isEqualTo("no nodes available to schedule pods");

        assertThat(snapshot.upsertNode(node("n1", "2", "4Gi"))).isTrue();
        assertThat(scheduleAndAssume(pod("c", "1", "1Gi")).message())
                .isEqualTo("0/1 nodes are available: 1 Insufficient cpu.");
    }

    @Test
    void aDeletedNodeIsNotChosenAndItsPodsCountUntilTheyGo() {
        snapshot.upsertNode(node("n1", "2", "4Gi"));
        Pod a = bound(pod("a", "1", "1Gi"), "n1");
        snapshot.upsertPod(a);

        snapshot.removeNode("n1");

        assertThat(snapshot.nodeCount()).isZero();
        assertThat(snapshot.usage("n1")).contains(new NodeUsage(1000, 1L << 30, 1));
        snapshot.removePod(a);
        assertThat(snapshot.usage("n1")).isEmpty();
    }

    @Test
    void onlyChangesThatMatterToSchedulingAreReportedForNodes() {
        Node n1 = node("n1", "2", "4Gi");
        assertThat(snapshot.upsertNode(n1)).as("added").isTrue();

        Node.Builder heartbeat = n1.toBuilder();
        heartbeat
                .getStatusBuilder()
                .getConditionsBuilder(0)
                .setLastHeartbeatTime(Timestamp.newBuilder().setSeconds(1_700_000_000));
        heartbeat.getMetadataBuilder().setResourceVersion("42");
        assertThat(snapshot.upsertNode(heartbeat.build())).as("heartbeat").isFalse();

        assertThat(snapshot.upsertNode(cordoned(n1))).as("cordoned").isTrue();
        assertThat(snapshot.upsertNode(n1)).as("uncordoned").isTrue();
        assertThat(snapshot.upsertNode(withReady(n1, ConditionStatus.CONDITION_STATUS_FALSE)))
                .as("not ready")
                .isTrue();
        assertThat(snapshot.upsertNode(n1)).as("ready again").isTrue();
        assertThat(snapshot.upsertNode(withAllocatable(n1, "cpu", "4")))
                .as("allocatable")
                .isTrue();
        assertThat(snapshot.upsertNode(withLabel(withAllocatable(n1, "cpu", "4"), "disk", "ssd")))
                .as("labels")
                .isTrue();
        assertThat(snapshot.upsertNode(withTaint(n1, "k", "v", TaintEffect.TAINT_EFFECT_NO_SCHEDULE)))
                .as("taints")
                .isTrue();
    }

    @Test
    void nodeUpdatesKeepThePodsCounted() {
        Node n1 = node("n1", "2", "4Gi");
        snapshot.upsertNode(n1);
        snapshot.upsertPod(bound(pod("a", "1500m", "1Gi"), "n1"));

        snapshot.upsertNode(withAllocatable(n1, "cpu", "3"));

        assertThat(scheduleAndAssume(pod("b", "1500m", "1Gi")).selectedNode()).contains("n1");
    }

    @Test
    void threeThousandPodsOfThirtyControllersSpreadEvenlyOverAHundredNodes() {
        for (int i = 0; i < 100; i++) {
            snapshot.upsertNode(node(String.format("node-%03d", i), "8", "32Gi"));
        }
        Map<String, Integer> podsPerNode = new HashMap<>();
        Map<String, Integer> podsPerControllerAndNode = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            String controller = "rs-" + (i % 30);
            ScheduleResult result = scheduleAndAssume(ownedBy(pod("p" + i, "100m", "128Mi"), controller));
            String node = result.selectedNode().orElseThrow();
            podsPerNode.merge(node, 1, Integer::sum);
            podsPerControllerAndNode.merge(controller + "@" + node, 1, Integer::sum);
        }

        assertThat(podsPerNode)
                .hasSize(100)
                .allSatisfy((node, count) -> assertThat(count).isEqualTo(30));
        assertThat(podsPerControllerAndNode)
                .hasSize(3000)
                .allSatisfy((key, count) -> assertThat(count).isEqualTo(1));
    }

    private ScheduleResult scheduleAndAssume(Pod pod) {
        return snapshot.scheduleAndAssume(PodInfo.of(pod), algorithm);
    }

    private static String uid(Pod pod) {
        return pod.getMetadata().getUid();
    }
}
