package io.capstan.kubelet.proxy;

import static io.capstan.kubelet.proxy.RoundRobinTest.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ServicePort;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ServiceEndpointsTest {

    @Test
    void aServicePortTakesTheEndpointPortsOfItsNameWhateverTheirNumber() {
        Endpoints endpoints = Endpoints.newBuilder()
                .addSubsets(subset(new String[] {"127.0.0.1", "127.0.0.2"}, port("web", 31001), port("metrics", 9100)))
                .addSubsets(subset(new String[] {"127.0.0.1"}, port("web", 31002)))
                .build();

        assertThat(ServiceEndpoints.of(endpoints, servicePort("web", 80)))
                .containsExactly(endpoint(31001), at("127.0.0.2", 31001), endpoint(31002));
        assertThat(ServiceEndpoints.of(endpoints, servicePort("metrics", 9100)))
                .containsExactly(at("127.0.0.1", 9100), at("127.0.0.2", 9100));
        assertThat(ServiceEndpoints.of(endpoints, servicePort("admin", 8081))).isEmpty();
    }

    @Test
    void anUnnamedServicePortTakesUnnamedEndpointPorts() {
        Endpoints endpoints = Endpoints.newBuilder()
                .addSubsets(subset(new String[] {"127.0.0.1"}, port("", 31001)))
                .addSubsets(subset(new String[] {"127.0.0.1"}, port("web", 31002)))
                .build();

        assertThat(ServiceEndpoints.of(endpoints, servicePort("", 80))).containsExactly(endpoint(31001));
    }

    @Test
    void onlyReadyAddressesGetTraffic() {
        Endpoints endpoints = Endpoints.newBuilder()
                .addSubsets(subset(new String[] {"127.0.0.1"}, port("web", 31001)).toBuilder()
                        .addNotReadyAddresses(EndpointAddress.newBuilder().setIp("127.0.0.3")))
                .build();

        assertThat(ServiceEndpoints.of(endpoints, servicePort("web", 80))).containsExactly(endpoint(31001));
    }

    @Test
    void protocolsMustMatchWithUnsetMeaningTcp() {
        Endpoints endpoints = Endpoints.newBuilder()
                .addSubsets(subset(
                        new String[] {"127.0.0.1"},
                        port("dns", 31053).toBuilder()
                                .setProtocol(Protocol.PROTOCOL_UDP)
                                .build(),
                        port("dns", 31054)))
                .build();
        ServicePort tcp = servicePort("dns", 53).toBuilder()
                .setProtocol(Protocol.PROTOCOL_TCP)
                .build();

        assertThat(ServiceEndpoints.of(endpoints, tcp)).containsExactly(endpoint(31054));
    }

    @Test
    void skipsAddressesThatAreNotIpLiteralsAndDuplicates() {
        Endpoints endpoints = Endpoints.newBuilder()
                .addSubsets(subset(new String[] {"node-1.example", "127.0.0.1", "127.0.0.1"}, port("web", 31001)))
                .addSubsets(subset(new String[] {"127.0.0.1"}, port("web", 31001), port("web", 0)))
                .build();

        assertThat(ServiceEndpoints.of(endpoints, servicePort("web", 80))).containsExactly(endpoint(31001));
    }

    @Test
    void emptyEndpointsHaveNothing() {
        assertThat(ServiceEndpoints.of(Endpoints.getDefaultInstance(), servicePort("web", 80)))
                .isEmpty();
    }

    @Test
    void printsAddressesAsIpAndPort() {
        assertThat(ServiceEndpoints.text(at("127.77.0.12", 80))).isEqualTo("127.77.0.12:80");
        assertThat(ServiceEndpoints.text(at("::1", 8080))).isEqualTo("[::1]:8080");
    }

    private static EndpointSubset subset(String[] ips, EndpointPort... ports) {
        EndpointSubset.Builder subset = EndpointSubset.newBuilder();
        for (String ip : ips) {
            subset.addAddresses(EndpointAddress.newBuilder().setIp(ip));
        }
        for (EndpointPort port : ports) {
            subset.addPorts(port);
        }
        return subset.build();
    }

    private static EndpointPort port(String name, int port) {
        return EndpointPort.newBuilder().setName(name).setPort(port).build();
    }

    private static ServicePort servicePort(String name, int port) {
        return ServicePort.newBuilder().setName(name).setPort(port).build();
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(ServiceEndpoints.ip(ip).orElseThrow(), port);
    }
}
