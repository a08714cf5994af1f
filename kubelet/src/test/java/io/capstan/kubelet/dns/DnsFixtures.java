package io.capstan.kubelet.dns;

import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectReference;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Services, Endpoints and queries for the DNS tests. */
final class DnsFixtures {
    private DnsFixtures() {}

    /** A service with a ClusterIP (or "None", or "" for none yet) and named TCP ports "http" (80) and "grpc" (9090). */
    static Service service(String namespace, String name, String clusterIp) {
        return Service.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
                .setSpec(ServiceSpec.newBuilder()
                        .setClusterIp(clusterIp)
                        .addPorts(ServicePort.newBuilder().setName("http").setPort(80))
                        .addPorts(ServicePort.newBuilder()
                                .setName("grpc")
                                .setPort(9090)
                                .setProtocol(Protocol.PROTOCOL_TCP)))
                .build();
    }

    /**
     * Endpoints whose ready addresses are pods {@code <name>-<i>} at {@code 127.0.1.<i+1>} with
     * port "http" at 31000+i, plus one address not ready.
     */
    static Endpoints endpoints(String namespace, String name, int ready) {
        EndpointSubset.Builder notReady = EndpointSubset.newBuilder()
                .addNotReadyAddresses(address(name + "-unready", "127.0.9.9"))
                .addPorts(EndpointPort.newBuilder().setName("http").setPort(30999));
        Endpoints.Builder endpoints = Endpoints.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(namespace).setName(name))
                .addSubsets(notReady);
        for (int i = 0; i < ready; i++) {
            endpoints.addSubsets(EndpointSubset.newBuilder()
                    .addAddresses(address(name + "-" + i, "127.0.1." + (i + 1)))
                    .addPorts(EndpointPort.newBuilder()
                            .setName("http")
                            .setPort(31000 + i)
                            .setProtocol(Protocol.PROTOCOL_TCP)));
        }
        return endpoints.build();
    }

    static EndpointAddress address(String pod, String ip) {
        return EndpointAddress.newBuilder()
                .setIp(ip)
                .setTargetRef(ObjectReference.newBuilder().setKind("Pod").setName(pod))
                .build();
    }

    static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
