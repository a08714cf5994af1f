package io.capstan.apiserver.registry;

import static io.capstan.apiserver.registry.ValidationAssertions.assertRejected;
import static io.capstan.apiserver.registry.ValidationAssertions.assertValid;

import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Protocol;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsValidationTest {

    private static Endpoints subsetWith(UnaryOperator<EndpointSubset.Builder> change) {
        Endpoints endpoints = Fixtures.endpoints();
        return endpoints.toBuilder()
                .setSubsets(0, change.apply(endpoints.getSubsets(0).toBuilder()))
                .build();
    }

    private static Endpoints address(EndpointAddress.Builder address) {
        return subsetWith(subset -> subset.setAddresses(0, address));
    }

    @Test
    void noSubsetsIsValid() {
        assertValid(Fixtures.endpoints().toBuilder().clearSubsets().build());
    }

    @Test
    void subsetsHaveAddresses() {
        assertRejected(
                subsetWith(subset -> subset.clearAddresses().clearNotReadyAddresses()),
                "subsets[0]",
                "must have addresses or notReadyAddresses");
        assertValid(subsetWith(EndpointSubset.Builder::clearAddresses));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "::1", "fd00::1", "2001:db8::ff00:42:8329", "::ffff:127.0.0.1"})
    void addressesAreIpv4OrIpv6IncludingLoopback(String ip) {
        assertValid(address(EndpointAddress.newBuilder().setIp(ip)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1:8080", "1:2:3:4:5:6:7:8:9", "fd00:::1", "12345::1", "300.1.1.1"})
    void otherAddressesAreRejected(String ip) {
        assertRejected(address(EndpointAddress.newBuilder().setIp(ip)), "subsets[0].addresses[0].ip", "IP address");
    }

    @Test
    void addressesNeedAnIp() {
        assertRejected(
                subsetWith(subset -> subset.setNotReadyAddresses(0, EndpointAddress.newBuilder())),
                "subsets[0].notReadyAddresses[0].ip",
                "required");
    }

    @Test
    void hostnameNodeNameAndTargetRefAreChecked() {
        assertRejected(
                address(EndpointAddress.newBuilder().setIp("127.0.0.1").setHostname("web.0")),
                "subsets[0].addresses[0].hostname",
                "DNS-1123 label");
        assertRejected(
                address(EndpointAddress.newBuilder().setIp("127.0.0.1").setNodeName("Node_1")),
                "subsets[0].addresses[0].nodeName",
                "DNS-1123 subdomain");
        assertRejected(
                address(EndpointAddress.newBuilder()
                        .setIp("127.0.0.1")
                        .setTargetRef(ObjectReference.newBuilder().setKind("Pod"))),
                "subsets[0].addresses[0].targetRef.name",
                "required");
    }

    @Test
    void portsAreRequired() {
        assertRejected(subsetWith(EndpointSubset.Builder::clearPorts), "subsets[0].ports", "required");
    }

    @Test
    void portsAreValidNamedWhenSeveralAndUnique() {
        assertRejected(
                subsetWith(subset ->
                        subset.setPorts(0, subset.getPorts(0).toBuilder().setPort(0))),
                "subsets[0].ports[0].port",
                "between 1 and 65535");
        assertRejected(
                subsetWith(subset ->
                        subset.setPorts(1, subset.getPorts(1).toBuilder().clearName())),
                "subsets[0].ports[1].name",
                "required");
        assertRejected(
                subsetWith(subset ->
                        subset.setPorts(1, subset.getPorts(1).toBuilder().setName("http"))),
                "subsets[0].ports[1].name",
                "duplicate value \"http\"");
        assertValid(subsetWith(subset -> subset.removePorts(1)
                .setPorts(0, EndpointPort.newBuilder().setPort(31000).setProtocol(Protocol.PROTOCOL_UDP))));
    }

    @Test
    void portProtocolMustBeSpecifiedAfterDefaulting() {
        assertRejected(
                subsetWith(subset ->
                        subset.setPorts(0, subset.getPorts(0).toBuilder().setProtocolValue(0))),
                "subsets[0].ports[0].protocol",
                "required");
    }
}
