package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceValidationTest {

    private static Service serviceWith(UnaryOperator<ServiceSpec.Builder> change) {
        Service service = Fixtures.service();
        return service.toBuilder()
                .setSpec(change.apply(service.getSpec().toBuilder()))
                .build();
    }

    private static Service firstPortWith(UnaryOperator<ServicePort.Builder> change) {
        return serviceWith(spec -> spec.setPorts(0, change.apply(spec.getPorts(0).toBuilder())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "None", "127.77.0.10", "10.96.0.1", "0.0.0.0"})
    void clusterIpIsEmptyNoneOrAnIpv4Address(String clusterIp) {
        assertValid(serviceWith(spec -> spec.setClusterIp(clusterIp)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "127.77.0", "127.77.0.256", "127.077.0.1", "::1", "web", " 10.0.0.1"})
    void otherClusterIpsAreRejected(String clusterIp) {
        assertRejected(
                serviceWith(spec -> spec.setClusterIp(clusterIp)),
                "spec.clusterIP",
                "must be empty, \"None\" or an IPv4 address");
    }

    @Test
    void nodePortServicesAreNotHeadless() {
        assertRejected(
                serviceWith(
                        spec -> spec.setType(ServiceSpec.Type.TYPE_NODE_PORT).setClusterIp("None")),
                "spec.clusterIP",
                "must not be \"None\" for a NodePort service");
    }

    @Test
    void portsAreRequiredUnlessHeadless() {
        assertRejected(serviceWith(ServiceSpec.Builder::clearPorts), "spec.ports", "required");
        assertValid(serviceWith(spec -> spec.clearPorts().setClusterIp("None")));
    }

    @Test
    void portNamesAreRequiredWithSeveralPortsAndUnique() {
        assertRejected(firstPortWith(ServicePort.Builder::clearName), "spec.ports[0].name", "required");
        assertValid(serviceWith(spec ->
                spec.removePorts(1).setPorts(0, spec.getPorts(0).toBuilder().clearName())));
        assertRejected(
                serviceWith(
                        spec -> spec.setPorts(1, spec.getPorts(1).toBuilder().setName("http"))),
                "spec.ports[1].name",
                "duplicate value \"http\"");
        assertRejected(firstPortWith(port -> port.setName("HTTP")), "spec.ports[0].name", "DNS-1123 label");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -80, 65536})
    void portsAreBetween1And65535(int port) {
        assertRejected(firstPortWith(p -> p.setPort(port)), "spec.ports[0].port", "must be between 1 and 65535");
    }

    @Test
    void portAndProtocolPairsAreUnique() {
        assertRejected(
                serviceWith(
                        spec -> spec.setPorts(1, spec.getPorts(1).toBuilder().setPort(80))),
                "spec.ports[1]",
                "duplicate port and protocol of spec.ports[0]");
        assertValid(serviceWith(spec ->
                spec.setPorts(1, spec.getPorts(1).toBuilder().setPort(80).setProtocol(Protocol.PROTOCOL_UDP))));
    }

    @Test
    void protocolMustBeSpecifiedAfterDefaulting() {
        assertRejected(
                firstPortWith(port -> port.setProtocol(Protocol.PROTOCOL_UNSPECIFIED)),
                "spec.ports[0].protocol",
                "required");
    }

    @Test
    void targetPortIsAPortNumberOrName() {
        assertValid(firstPortWith(
                port -> port.setTargetPort(IntOrString.newBuilder().setIntVal(8080))));
        assertRejected(
                firstPortWith(
                        port -> port.setTargetPort(IntOrString.newBuilder().setIntVal(70000))),
                "spec.ports[0].targetPort",
                "between 1 and 65535");
        assertRejected(
                firstPortWith(
                        port -> port.setTargetPort(IntOrString.newBuilder().setStrVal("http_alt"))),
                "spec.ports[0].targetPort",
                "IANA service name");
    }

    @Test
    void nodePortsOnlyForNodePortServices() {
        assertRejected(
                firstPortWith(port -> port.setNodePort(30080)),
                "spec.ports[0].nodePort",
                "must be 0 unless type is NodePort, got 30080");
        assertValid(serviceWith(spec -> spec.setType(ServiceSpec.Type.TYPE_NODE_PORT)
                .setPorts(0, spec.getPorts(0).toBuilder().setNodePort(30080))));
    }

    @Test
    void nodePortsAreValidPortsAndUnique() {
        assertRejected(
                serviceWith(spec -> spec.setType(ServiceSpec.Type.TYPE_NODE_PORT)
                        .setPorts(0, spec.getPorts(0).toBuilder().setNodePort(70000))),
                "spec.ports[0].nodePort",
                "between 1 and 65535");
        assertRejected(
                serviceWith(spec -> spec.setType(ServiceSpec.Type.TYPE_NODE_PORT)
                        .setPorts(0, spec.getPorts(0).toBuilder().setNodePort(30080))
                        .setPorts(1, spec.getPorts(1).toBuilder().setNodePort(30080))),
                "spec.ports[1].nodePort",
                "duplicate value \"30080\"");
    }

    @Test
    void typeAndSessionAffinityMustBeSpecifiedAfterDefaulting() {
        assertRejected(serviceWith(spec -> spec.setType(ServiceSpec.Type.TYPE_UNSPECIFIED)), "spec.type", "required");
        assertRejected(
                serviceWith(spec -> spec.setSessionAffinity(ServiceSpec.SessionAffinity.SESSION_AFFINITY_UNSPECIFIED)),
                "spec.sessionAffinity",
                "required");
    }

    @Test
    void selectorUsesLabelSyntax() {
        assertValid(serviceWith(ServiceSpec.Builder::clearSelector));
        assertRejected(serviceWith(spec -> spec.putSelector("app", "web/api")), "spec.selector[app]", "label value");
    }
}
