package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.bound;
import static io.capstan.controllers.scheduler.SchedulerFixtures.equal;
import static io.capstan.controllers.scheduler.SchedulerFixtures.node;
import static io.capstan.controllers.scheduler.SchedulerFixtures.nodeInfos;
import static io.capstan.controllers.scheduler.SchedulerFixtures.ownedBy;
import static io.capstan.controllers.scheduler.SchedulerFixtures.pod;
import static io.capstan.controllers.scheduler.SchedulerFixtures.tolerating;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withTaint;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TaintEffect;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link SchedulingAlgorithm} ranks the nodes a pod fits. */
class SchedulingAlgorithmScoreTest {
    private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();

    @Test
    void leastRequestedIsTheFreeShareOfCapacity() {
        assertThat(SchedulingAlgorithm.leastRequested(0, 4000)).isEqualTo(100);
        assertThat(SchedulingAlgorithm.leastRequested(1000, 4000)).isEqualTo(75);
        assertThat(SchedulingAlgorithm.leastRequested(3999, 4000)).isZero(); // rounds down, as Kubernetes
        assertThat(SchedulingAlgorithm.leastRequested(4000, 4000)).isZero();
        assertThat(SchedulingAlgorithm.leastRequested(5000, 4000)).isZero();
        assertThat(SchedulingAlgorithm.leastRequested(10, 0)).isZero();
        assertThat(SchedulingAlgorithm.leastRequested(0, Long.MAX_VALUE)).isEqualTo(100);
        assertThat(SchedulingAlgorithm.leastRequested(Long.MAX_VALUE / 2, Long.MAX_VALUE))
                .isBetween(49L, 50L);
    }

    @Test
    void cpuAndMemoryWeighTheSame() {
        NodeInfo node = nodeInfos(List.of(node("n1", "4", "8Gi")), List.of(bound(pod("a", "1", "4Gi"), "n1")))
                .get(0);

        // cpu: (4000 - 2000) * 100 / 4000 = 50; memory: (8Gi - 5Gi) * 100 / 8Gi = 37
        assertThat(SchedulingAlgorithm.leastAllocatedScore(PodInfo.of(pod("b", "1", "1Gi")), node))
                .isEqualTo((50 + 37) / 2);
    }

    @Test
    void theLeastAllocatedNodeWins() {
        List<Node> nodes = List.of(node("n1", "4", "8Gi"), node("n2", "4", "8Gi"), node("n3", "4", "8Gi"));
        List<Pod> running = List.of(bound(pod("a", "2", "2Gi"), "n1"), bound(pod("b", "1", "1Gi"), "n2"));

        assertThat(schedule(pod("web", "1", "1Gi"), nodes, running)).isEqualTo("n3");
        assertThat(schedule(pod("web", "1", "1Gi"), nodes.subList(0, 2), running))
                .isEqualTo("n2");
    }

    @Test
    void podsWithoutRequestsCountWithTheDefaultsWhenScoring() {
        List<Node> nodes = List.of(node("n1", "4", "8Gi"), node("n2", "4", "8Gi"));
        List<Pod> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            running.add(bound(pod("no-requests-" + i, null, null), "n1"));
        }

        assertThat(schedule(pod("web", null, null), nodes, running)).isEqualTo("n2");
    }

    @Test
    void podsOfOneControllerSpreadOverNodesBeforeLeastAllocated() {
        List<Node> nodes = List.of(node("n1", "16", "32Gi"), node("n2", "4", "8Gi"));
        List<Pod> running = List.of(
                bound(ownedBy(pod("rs1-a", "500m", "512Mi"), "rs1"), "n1"),
                bound(ownedBy(pod("rs1-b", "500m", "512Mi"), "rs1"), "n1"),
                bound(pod("other", "2", "4Gi"), "n2"));

        assertThat(schedule(ownedBy(pod("rs1-c", "500m", "512Mi"), "rs1"), nodes, running))
                .isEqualTo("n2");
        assertThat(schedule(ownedBy(pod("rs2-a", "500m", "512Mi"), "rs2"), nodes, running))
                .as("another controller's pods do not repel it")
                .isEqualTo("n1");
        assertThat(schedule(pod("orphan", "500m", "512Mi"), nodes, running)).isEqualTo("n1");
    }

    @Test
    void anUntoleratedPreferNoScheduleTaintLowersTheScore() {
        List<Node> nodes = List.of(
                withTaint(node("n1", "4", "8Gi"), "spot", "true", TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE),
                node("n2", "4", "8Gi"));
        List<Pod> running = List.of(bound(pod("a", "3", "6Gi"), "n2"));

        assertThat(schedule(pod("web", "500m", "512Mi"), nodes, running)).isEqualTo("n2");
        Pod tolerant = tolerating(
                pod("batch", "500m", "512Mi"), equal("spot", "true", TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE));
        assertThat(schedule(tolerant, nodes, running)).isEqualTo("n1");
    }

    @Test
    void tiesGoToTheFirstNodeByName() {
        List<Node> nodes = List.of(node("n1", "4", "8Gi"), node("n2", "4", "8Gi"));

        assertThat(schedule(pod("web", "1", "1Gi"), nodes, List.of())).isEqualTo("n1");
    }

    @Test
    void reverseNormalizedScoresTheFewestHighest() {
        assertThat(SchedulingAlgorithm.reverseNormalized(0, 0)).isEqualTo(100);
        assertThat(SchedulingAlgorithm.reverseNormalized(0, 4)).isEqualTo(100);
        assertThat(SchedulingAlgorithm.reverseNormalized(1, 4)).isEqualTo(75);
        assertThat(SchedulingAlgorithm.reverseNormalized(4, 4)).isZero();
    }

    private String schedule(Pod pod, List<Node> nodes, List<Pod> boundPods) {
        ScheduleResult result = algorithm.schedule(PodInfo.of(pod), nodeInfos(nodes, boundPods));
        assertThat(result.isScheduled()).as("scheduled: %s", result.reasons()).isTrue();
        return result.selectedNode().orElseThrow();
    }
}
