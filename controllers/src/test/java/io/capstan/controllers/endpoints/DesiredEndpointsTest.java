package io.capstan.controllers.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerPort;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredEndpointsTest {
    private static final ServicePort WEB = ServicePort.newBuilder()
            .setName("web")
            .setPort(80)
            .setProtocol(Protocol.PROTOCOL_TCP)
            .setTargetPort(IntOrString.newBuilder().setStrVal("http"))
            .build();

    private final Service service = service(WEB);

    @Test
    void readyPodIsAnAddressAtItsHostIpAndTheHostPortBoundForTheTargetPort() {
        Endpoints endpoints = DesiredEndpoints.of(service, List.of(pod("a", "127.0.0.1", 31001, true)));

        assertThat(endpoints.getMetadata().getName()).isEqualTo("shop");
        assertThat(endpoints.getMetadata().getNamespace()).isEqualTo("ns");
        assertThat(endpoints.getMetadata().getLabelsMap()).containsEntry("tier", "front");
        assertThat(endpoints.getSubsetsList())
                .containsExactly(EndpointSubset.newBuilder()
                        .addAddresses(address("a", "127.0.0.1"))
                        .addPorts(port("web", 31001))
                        .build());
    }

    @Test
    void podThatIsNotReadyIsANotReadyAddress() {
        Endpoints endpoints = DesiredEndpoints.of(service, List.of(pod("a", "127.0.0.1", 31001, false)));

        assertThat(endpoints.getSubsets(0).getAddressesList()).isEmpty();
        assertThat(endpoints.getSubsets(0).getNotReadyAddressesList()).containsExactly(address("a", "127.0.0.1"));
    }

    @Test
    void podsServingTheSamePortsShareASubsetAndOthersGetTheirOwn() {
        Endpoints endpoints = DesiredEndpoints.of(
                service,
                List.of(
                        pod("c", "127.0.0.2", 31001, true),
                        pod("b", "127.0.0.1", 31002, false),
                        pod("a", "127.0.0.1", 31001, true)));

        assertThat(endpoints.getSubsetsList())
                .containsExactly(
                        EndpointSubset.newBuilder()
                                .addAddresses(address("a", "127.0.0.1"))
                                .addAddresses(address("c", "127.0.0.2"))
                                .addPorts(port("web", 31001))
                                .build(),
                        EndpointSubset.newBuilder()
                                .addNotReadyAddresses(address("b", "127.0.0.1"))
                                .addPorts(port("web", 31002))
                                .build());
    }

    @Test
    void sameInputInAnyOrderGivesTheSameObject() {
        List<Pod> pods = List.of(
                pod("c", "127.0.0.2", 31001, true),
                pod("a", "127.0.0.1", 31001, true),
                pod("b", "127.0.0.1", 31002, true));

        assertThat(DesiredEndpoints.of(service, pods))
                .isEqualTo(DesiredEndpoints.of(service, List.of(pods.get(2), pods.get(0), pods.get(1))));
    }

    @Test
    void podsTheSelectorDoesNotPickAreLeftOut() {
        Pod other = pod("a", "127.0.0.1", 31001, true);
        other = other.toBuilder()
                .setMetadata(other.getMetadata().toBuilder().putLabels("app", "db"))
                .build();
        Pod elsewhere = pod("b", "127.0.0.1", 31002, true);
        elsewhere = elsewhere.toBuilder()
                .setMetadata(elsewhere.getMetadata().toBuilder().setNamespace("other"))
                .build();

        assertThat(DesiredEndpoints.of(service, List.of(other, elsewhere)).getSubsetsList())
                .isEmpty();
    }

    @Test
    void terminatingFinishedAndUnplacedPodsAreLeftOut() {
        Pod terminating = pod("a", "127.0.0.1", 31001, true);
        terminating = terminating.toBuilder()
                .setMetadata(terminating.getMetadata().toBuilder()
                        .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(1)))
                .build();
        Pod finished = pod("b", "127.0.0.1", 31002, false);
        finished = finished.toBuilder()
                .setStatus(finished.getStatus().toBuilder().setPhase(PodStatus.Phase.PHASE_SUCCEEDED))
                .build();
        Pod unplaced = pod("c", "", 0, false);

        assertThat(DesiredEndpoints.of(service, List.of(terminating, finished, unplaced))
                        .getSubsetsList())
                .isEmpty();
    }

    @Test
    void numericTargetPortAndUnsetTargetPortResolveByContainerPort() {
        Pod pod = pod("a", "127.0.0.1", 31001, true);
        ServicePort byNumber = WEB.toBuilder()
                .setTargetPort(IntOrString.newBuilder().setIntVal(8080))
                .build();
        ServicePort unset = WEB.toBuilder().setPort(8080).clearTargetPort().build();
        ServicePort missing = WEB.toBuilder()
                .setTargetPort(IntOrString.newBuilder().setIntVal(9090))
                .build();
        ServicePort otherProtocol =
                byNumber.toBuilder().setProtocol(Protocol.PROTOCOL_UDP).build();

        assertThat(DesiredEndpoints.hostPort(pod, byNumber)).hasValue(31001);
        assertThat(DesiredEndpoints.hostPort(pod, unset)).hasValue(31001);
        assertThat(DesiredEndpoints.hostPort(pod, missing)).isEmpty();
        assertThat(DesiredEndpoints.hostPort(pod, otherProtocol)).isEmpty();
    }

    @Test
    void podWithoutTheNamedPortServesOnlyThePortsItHas() {
        ServicePort admin = ServicePort.newBuilder()
                .setName("admin")
                .setPort(9000)
                .setTargetPort(IntOrString.newBuilder().setStrVal("admin"))
                .build();

        Endpoints endpoints = DesiredEndpoints.of(service(WEB, admin), List.of(pod("a", "127.0.0.1", 31001, true)));

        assertThat(endpoints.getSubsetsList()).hasSize(1);
        assertThat(endpoints.getSubsets(0).getPortsList()).containsExactly(port("web", 31001));
    }

    @Test
    void headlessServiceWithoutPortsListsAddressesOnly() {
        Service headless = service().toBuilder()
                .setSpec(service().getSpec().toBuilder().setClusterIp("None"))
                .build();

        Endpoints endpoints = DesiredEndpoints.of(headless, List.of(pod("a", "127.0.0.1", 31001, true)));

        assertThat(endpoints.getMetadata().getLabelsMap()).containsKey(DesiredEndpoints.HEADLESS_LABEL);
        assertThat(endpoints.getSubsetsList())
                .containsExactly(EndpointSubset.newBuilder()
                        .addAddresses(address("a", "127.0.0.1"))
                        .build());
    }

    @Test
    void endpointsWrittenEarlierAreCurrentWhenNothingChanged() {
        Endpoints desired = DesiredEndpoints.of(service, List.of(pod("a", "127.0.0.1", 31001, true)));
        Endpoints stored = desired.toBuilder()
                .setMetadata(desired.getMetadata().toBuilder()
                        .setResourceVersion("42")
                        .setUid("u"))
                .build();

        assertThat(DesiredEndpoints.isCurrent(stored, desired)).isTrue();
        assertThat(DesiredEndpoints.isCurrent(
                        stored, DesiredEndpoints.of(service, List.of(pod("a", "127.0.0.1", 31001, false)))))
                .isFalse();
    }

    private static Service service(ServicePort... ports) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("ns")
                        .setName("shop")
                        .putLabels("tier", "front"))
                .setSpec(ServiceSpec.newBuilder()
                        .putSelector("app", "shop")
                        .setClusterIp("127.77.0.10")
                        .addAllPorts(List.of(ports)))
                .build();
    }

    private static Pod pod(String name, String hostIp, int hostPort, boolean ready) {
        PodStatus.Builder status = PodStatus.newBuilder()
                .setPhase(PodStatus.Phase.PHASE_RUNNING)
                .setHostIp(hostIp)
                .addConditions(Condition.newBuilder()
                        .setType("Ready")
                        .setStatus(
                                ready
                                        ? ConditionStatus.CONDITION_STATUS_TRUE
                                        : ConditionStatus.CONDITION_STATUS_FALSE));
        if (hostPort > 0) {
            status.addHostPorts(HostPortBinding.newBuilder()
                    .setContainerName("app")
                    .setPortName("http")
                    .setContainerPort(8080)
                    .setProtocol(Protocol.PROTOCOL_TCP)
                    .setHostIp(hostIp)
                    .setHostPort(hostPort));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("ns")
                        .setName(name)
                        .setUid("uid-" + name)
                        .putLabels("app", "shop"))
                .setSpec(PodSpec.newBuilder()
                        .setNodeName(hostIp.isEmpty() ? "" : "node-" + hostIp)
                        .addContainers(Container.newBuilder()
                                .setName("app")
                                .addPorts(ContainerPort.newBuilder()
                                        .setName("http")
                                        .setContainerPort(8080)
                                        .setProtocol(Protocol.PROTOCOL_TCP))))
                .setStatus(status)
                .build();
    }

    private static EndpointAddress address(String pod, String ip) {
        return EndpointAddress.newBuilder()
                .setIp(ip)
                .setNodeName("node-" + ip)
                .setTargetRef(io.capstan.proto.api.v1.ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace("ns")
                        .setName(pod)
                        .setUid("uid-" + pod))
                .build();
    }

    private static EndpointPort port(String name, int port) {
        return EndpointPort.newBuilder()
                .setName(name)
                .setPort(port)
                .setProtocol(Protocol.PROTOCOL_TCP)
                .build();
    }
}
