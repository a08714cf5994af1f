package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.bound;
import static io.capstan.controllers.scheduler.SchedulerFixtures.cordoned;
import static io.capstan.controllers.scheduler.SchedulerFixtures.equal;
import static io.capstan.controllers.scheduler.SchedulerFixtures.exists;
import static io.capstan.controllers.scheduler.SchedulerFixtures.node;
import static io.capstan.controllers.scheduler.SchedulerFixtures.nodeInfos;
import static io.capstan.controllers.scheduler.SchedulerFixtures.pod;
import static io.capstan.controllers.scheduler.SchedulerFixtures.tolerating;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withAllocatable;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withHostPort;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withLabel;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withNodeSelector;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withPhase;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withReady;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withTaint;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.TaintEffect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The filters of {@link SchedulingAlgorithm}: each keeps a pod off a node for one reason. */
class SchedulingAlgorithmFilterTest {
    private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();

    @Test
    void aPodFitsANodeWithRoom() {
        ScheduleResult result = schedule(pod("web", "1", "1Gi"), List.of(node("n1", "2", "4Gi")), List.of());

        assertThat(result.selectedNode()).contains("n1");
        assertThat(result.reasons()).isEmpty();
    }

    @Test
    void aNodeThatIsNotReadyIsFilteredOut() {
        List<Node> nodes = List.of(
                withReady(node("n1", "2", "4Gi"), ConditionStatus.CONDITION_STATUS_FALSE),
                withReady(node("n2", "2", "4Gi"), ConditionStatus.CONDITION_STATUS_UNKNOWN),
                node("n3", "2", "4Gi").toBuilder()
                        .setStatus(
                                node("n3", "2", "4Gi").getStatus().toBuilder().clearConditions())
                        .build());

        ScheduleResult result = schedule(pod("web", "1", "1Gi"), nodes, List.of());

        assertThat(result.isScheduled()).isFalse();
        assertThat(result.reasons())
                .containsOnlyKeys("n1", "n2", "n3")
                .allSatisfy((node, reasons) -> assertThat(reasons).containsExactly("node(s) were not ready"));
        assertThat(result.message()).isEqualTo("0/3 nodes are available: 3 node(s) were not ready.");
    }

    @Test
    void aPodToleratingTheNotReadyTaintMayGoToANotReadyNode() {
        Pod pod = tolerating(
                pod("agent", "100m", "64Mi"),
                exists(Tolerations.NOT_READY_TAINT, TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        List<Node> nodes = List.of(
                withReady(node("n1", "2", "4Gi"), ConditionStatus.CONDITION_STATUS_FALSE),
                withReady(node("n2", "2", "4Gi"), ConditionStatus.CONDITION_STATUS_UNKNOWN));

        ScheduleResult result = schedule(pod, nodes, List.of());

        assertThat(result.selectedNode()).contains("n1");
        assertThat(result.reasons()).containsOnlyKeys("n2"); // Unknown is the unreachable taint
    }

    @Test
    void aCordonedNodeIsFilteredOutUnlessTheUnschedulableTaintIsTolerated() {
        List<Node> nodes = List.of(cordoned(node("n1", "2", "4Gi")));

        assertThat(schedule(pod("web", "1", "1Gi"), nodes, List.of()).message())
                .isEqualTo("0/1 nodes are available: 1 node(s) were unschedulable.");
        Pod tolerant = tolerating(
                pod("web", "1", "1Gi"), exists(Tolerations.UNSCHEDULABLE_TAINT, TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        assertThat(schedule(tolerant, nodes, List.of()).selectedNode()).contains("n1");
    }

    @Test
    void noScheduleAndNoExecuteTaintsMustBeTolerated() {
        List<Node> nodes = List.of(
                withTaint(node("n1", "2", "4Gi"), "dedicated", "db", TaintEffect.TAINT_EFFECT_NO_SCHEDULE),
                withTaint(node("n2", "2", "4Gi"), "maintenance", "", TaintEffect.TAINT_EFFECT_NO_EXECUTE));

        ScheduleResult result = schedule(pod("web", "1", "1Gi"), nodes, List.of());

        assertThat(result.reasons())
                .containsEntry("n1", List.of("node(s) had untolerated taint {dedicated: db}"))
                .containsEntry("n2", List.of("node(s) had untolerated taint {maintenance: }"));
        Pod tolerant =
                tolerating(pod("db", "1", "1Gi"), equal("dedicated", "db", TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        assertThat(schedule(tolerant, nodes, List.of()).selectedNode()).contains("n1");
    }

    @Test
    void preferNoScheduleTaintsDoNotFilter() {
        List<Node> nodes =
                List.of(withTaint(node("n1", "2", "4Gi"), "spot", "true", TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE));

        assertThat(schedule(pod("web", "1", "1Gi"), nodes, List.of()).selectedNode())
                .contains("n1");
    }

    @Test
    void theNodeSelectorMustMatchTheNodesLabels() {
        List<Node> nodes = List.of(
                withLabel(node("n1", "2", "4Gi"), "disk", "hdd"),
                withLabel(withLabel(node("n2", "2", "4Gi"), "disk", "ssd"), "zone", "a"),
                node("n3", "2", "4Gi"));

        ScheduleResult result = schedule(withNodeSelector(pod("db", "1", "1Gi"), "disk", "ssd"), nodes, List.of());

        assertThat(result.selectedNode()).contains("n2");
        assertThat(result.reasons())
                .containsOnlyKeys("n1", "n3")
                .containsEntry("n1", List.of("node(s) didn't match Pod's node affinity/selector"));
    }

    @Test
    void twoPodsAskingTheSameHostPortNeverShareANode() {
        Pod running = bound(withHostPort(pod("a", "100m", "64Mi"), 8080, Protocol.PROTOCOL_TCP), "n1");
        List<Node> nodes = List.of(node("n1", "8", "16Gi"), node("n2", "1", "1Gi"));

        ScheduleResult same =
                schedule(withHostPort(pod("b", "100m", "64Mi"), 8080, Protocol.PROTOCOL_TCP), nodes, List.of(running));
        ScheduleResult otherProtocol = schedule(
                withHostPort(pod("c", "100m", "64Mi"), 8080, Protocol.PROTOCOL_UDP),
                List.of(nodes.get(0)),
                List.of(running));

        assertThat(same.selectedNode()).contains("n2");
        assertThat(same.reasons())
                .containsExactly(
                        Map.entry("n1", List.of("node(s) didn't have free ports for the requested pod ports")));
        assertThat(otherProtocol.selectedNode()).contains("n1");
    }

    @Test
    void requestsMustFitAllocatableMinusWhatIsBound() {
        List<Node> nodes = List.of(node("n1", "2", "4Gi"));
        List<Pod> running = List.of(bound(pod("a", "1500m", "1Gi"), "n1"));

        assertThat(schedule(pod("fits", "500m", "3Gi"), nodes, running).selectedNode())
                .contains("n1");
        assertThat(schedule(pod("cpu", "501m", "1Gi"), nodes, running).reasons())
                .containsEntry("n1", List.of("Insufficient cpu"));
        assertThat(schedule(pod("memory", "100m", "3073Mi"), nodes, running).reasons())
                .containsEntry("n1", List.of("Insufficient memory"));
        assertThat(schedule(pod("both", "1", "4Gi"), nodes, running).reasons())
                .containsEntry("n1", List.of("Insufficient cpu", "Insufficient memory"));
    }

    @Test
    void finishedPodsOnTheNodeHoldNothing() {
        List<Node> nodes = List.of(node("n1", "2", "4Gi"));
        List<Pod> finished = List.of(
                withPhase(bound(pod("done", "2", "4Gi"), "n1"), PodStatus.Phase.PHASE_SUCCEEDED),
                withPhase(bound(pod("crashed", "2", "4Gi"), "n1"), PodStatus.Phase.PHASE_FAILED));

        assertThat(schedule(pod("web", "2", "4Gi"), nodes, finished).selectedNode())
                .contains("n1");
    }

    @Test
    void aPodWithoutRequestsFitsAFullNode() {
        List<Node> nodes = List.of(node("n1", "1", "1Gi"));
        List<Pod> running = List.of(bound(pod("big", "1", "1Gi"), "n1"));

        assertThat(schedule(pod("tiny", null, null), nodes, running).selectedNode())
                .contains("n1");
    }

    @Test
    void thePodsAllocatableLimitsThePodCount() {
        List<Node> nodes = List.of(withAllocatable(node("n1", "8", "16Gi"), "pods", "2"));
        List<Pod> running = List.of(bound(pod("a", null, null), "n1"), bound(pod("b", null, null), "n1"));

        assertThat(schedule(pod("c", "1", "1Gi"), nodes, running).reasons())
                .containsEntry("n1", List.of("Too many pods"));
        assertThat(schedule(pod("c", "1", "1Gi"), nodes, running.subList(0, 1)).selectedNode())
                .contains("n1");
    }

    @Test
    void otherResourcesMustFitToo() {
        Pod.Builder gpuPod = pod("train", "1", "1Gi").toBuilder();
        gpuPod.getSpecBuilder()
                .addContainers(Container.newBuilder()
                        .setName("gpu")
                        .setResources(ResourceRequirements.newBuilder().putRequests("nvidia.com/gpu", "1")));
        List<Node> nodes = List.of(
                node("n1", "8", "16Gi"),
                withAllocatable(node("n2", "8", "16Gi"), "nvidia.com/gpu", "1"),
                withAllocatable(node("n3", "8", "16Gi"), "nvidia.com/gpu", "1"));
        List<Pod> running = List.of(bound(gpuPod.build(), "n2"));

        ScheduleResult result = schedule(gpuPod.build(), nodes, running);

        assertThat(result.selectedNode()).contains("n3");
        assertThat(result.reasons())
                .containsEntry("n1", List.of("Insufficient nvidia.com/gpu"))
                .containsEntry("n2", List.of("Insufficient nvidia.com/gpu"));
    }

    @Test
    void aNodeFailsAtTheFirstFilterThatRejectsIt() {
        Node everythingWrong = withTaint(
                withReady(cordoned(node("n1", "1", "1Gi")), ConditionStatus.CONDITION_STATUS_FALSE),
                "k",
                "v",
                TaintEffect.TAINT_EFFECT_NO_SCHEDULE);
        Node taintedAndFull = withTaint(node("n2", "1", "1Gi"), "k", "v", TaintEffect.TAINT_EFFECT_NO_SCHEDULE);

        ScheduleResult result = schedule(pod("web", "2", "2Gi"), List.of(everythingWrong, taintedAndFull), List.of());

        assertThat(result.reasons())
                .containsEntry("n1", List.of("node(s) were not ready"))
                .containsEntry("n2", List.of("node(s) had untolerated taint {k: v}"));
    }

    @Test
    void placeholdersWithoutANodeAreNeitherChosenNorCounted() {
        NodeInfo placeholder = new NodeInfo("gone");

        ScheduleResult result = algorithm.schedule(PodInfo.of(pod("web", "1", "1Gi")), List.of(placeholder));

        assertThat(result.isScheduled()).isFalse();
        assertThat(result.nodeCount()).isZero();
        assertThat(result.message()).isEqualTo("no nodes available to schedule pods");
    }

    private ScheduleResult schedule(Pod pod, List<Node> nodes, List<Pod> boundPods) {
        return algorithm.schedule(PodInfo.of(pod), nodeInfos(nodes, boundPods));
    }
}
