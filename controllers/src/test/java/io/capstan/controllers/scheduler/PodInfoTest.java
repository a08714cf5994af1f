package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.ownedBy;
import static io.capstan.controllers.scheduler.SchedulerFixtures.pod;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withHostPort;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withPhase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.controllers.scheduler.PodInfo.HostPort;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ResourceRequirements;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodInfoTest {

    @Test
    void sumsTheRequestsOfTheContainers() {
        Pod pod = withContainer(pod("web", "250m", "64Mi"), "sidecar", Map.of("cpu", "0.5", "memory", "1Gi"));

        PodInfo info = PodInfo.of(pod);

        assertThat(info.milliCpu()).isEqualTo(750);
        assertThat(info.memoryBytes()).isEqualTo((64L << 20) + (1L << 30));
        assertThat(info.nonZeroMilliCpu()).isEqualTo(750);
        assertThat(info.nonZeroMemoryBytes()).isEqualTo((64L << 20) + (1L << 30));
    }

    @Test
    void anInitContainerLargerThanTheSumRaisesTheRequest() {
        Pod pod = withInitContainer(pod("web", "250m", "64Mi"), Map.of("cpu", "2", "memory", "32Mi"));

        PodInfo info = PodInfo.of(pod);

        assertThat(info.milliCpu()).isEqualTo(2000);
        assertThat(info.memoryBytes()).isEqualTo(64L << 20);
    }

    @Test
    void aContainerWithoutRequestsTakesTheDefaultsForScoringOnly() {
        PodInfo info = PodInfo.of(pod("web", null, null));

        assertThat(info.milliCpu()).isZero();
        assertThat(info.memoryBytes()).isZero();
        assertThat(info.nonZeroMilliCpu()).isEqualTo(100);
        assertThat(info.nonZeroMemoryBytes()).isEqualTo(200L << 20);
    }

    @Test
    void anExplicitZeroRequestStaysZeroForScoring() {
        PodInfo info = PodInfo.of(pod("web", "0", "0"));

        assertThat(info.nonZeroMilliCpu()).isZero();
        assertThat(info.nonZeroMemoryBytes()).isZero();
    }

    @Test
    void defaultsApplyPerContainer() {
        Pod pod = withContainer(pod("web", "1", null), "sidecar", Map.of("memory", "1Gi"));

        PodInfo info = PodInfo.of(pod);

        assertThat(info.nonZeroMilliCpu()).isEqualTo(1000 + 100);
        assertThat(info.nonZeroMemoryBytes()).isEqualTo((200L << 20) + (1L << 30));
    }

    @Test
    void otherResourcesAreKeptByName() {
        Pod pod = withContainer(pod("web", "1", "1Gi"), "gpu", Map.of("nvidia.com/gpu", "2", "example.com/zero", "0"));

        assertThat(PodInfo.of(pod).otherRequests()).containsExactly(Map.entry("nvidia.com/gpu", 2L));
    }

    @Test
    void keepsFixedHostPortsOnlyWithTcpForAnUnsetProtocol() {
        Pod pod = withHostPort(
                withHostPort(pod("web", "1", "1Gi"), 80, Protocol.PROTOCOL_UNSPECIFIED), 53, Protocol.PROTOCOL_UDP);
        Pod.Builder withDynamicPort = pod.toBuilder();
        withDynamicPort
                .getSpecBuilder()
                .getContainersBuilder(0)
                .addPortsBuilder()
                .setContainerPort(9090);

        assertThat(PodInfo.of(withDynamicPort.build()).hostPorts())
                .containsExactly(new HostPort(Protocol.PROTOCOL_TCP, 80), new HostPort(Protocol.PROTOCOL_UDP, 53));
    }

    @Test
    void theControllerIsTheOwnerReferenceMarkedController() {
        Pod.Builder builder = pod("web", "1", "1Gi").toBuilder();
        builder.getMetadataBuilder()
                .addOwnerReferences(OwnerReference.newBuilder().setKind("Other").setUid("not-controller"));
        Pod pod = ownedBy(builder.build(), "rs-uid");

        assertThat(PodInfo.of(pod).controllerUid()).isEqualTo("rs-uid");
        assertThat(PodInfo.of(builder.build()).controllerUid()).isNull();
    }

    @Test
    void anInvalidRequestNamesTheField() {
        Pod pod = withContainer(pod("web", "1", "1Gi"), "bad", Map.of("memory", "lots"));

        assertThatThrownBy(() -> PodInfo.of(pod))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.containers[1].resources.requests[memory]: invalid quantity \"lots\"");
    }

    @Test
    void onlySucceededAndFailedPodsReleaseTheirResources() {
        Pod pod = pod("web", "1", "1Gi");

        assertThat(PodInfo.holdsResources(withPhase(pod, PodStatus.Phase.PHASE_PENDING)))
                .isTrue();
        assertThat(PodInfo.holdsResources(withPhase(pod, PodStatus.Phase.PHASE_RUNNING)))
                .isTrue();
        assertThat(PodInfo.holdsResources(withPhase(pod, PodStatus.Phase.PHASE_UNKNOWN)))
                .isTrue();
        assertThat(PodInfo.holdsResources(withPhase(pod, PodStatus.Phase.PHASE_SUCCEEDED)))
                .isFalse();
        assertThat(PodInfo.holdsResources(withPhase(pod, PodStatus.Phase.PHASE_FAILED)))
                .isFalse();
    }

    private static Pod withContainer(Pod pod, String name, Map<String, String> requests) {
        Pod.Builder builder = pod.toBuilder();
        builder.getSpecBuilder()
                .addContainers(Container.newBuilder()
                        .setName(name)
                        .setImage("busybox:1")
                        .setResources(ResourceRequirements.newBuilder().putAllRequests(requests)));
        return builder.build();
    }

    private static Pod withInitContainer(Pod pod, Map<String, String> requests) {
        Pod.Builder builder = pod.toBuilder();
        builder.getSpecBuilder()
                .addInitContainers(Container.newBuilder()
                        .setName("init")
                        .setImage("busybox:1")
                        .setResources(ResourceRequirements.newBuilder().putAllRequests(requests)));
        return builder.build();
    }
}
