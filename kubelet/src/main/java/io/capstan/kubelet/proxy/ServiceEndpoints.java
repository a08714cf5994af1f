package io.capstan.kubelet.proxy;

import com.google.common.net.InetAddresses;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.ServicePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where one service port's traffic may go, read from the service's Endpoints as kube-proxy reads
 * them. Each subset is the cross product of its addresses and its ports; a subset port serves the
 * service port with the same name and protocol (an unset protocol is TCP), whatever its number. Only
 * ready addresses count (notReadyAddresses never get traffic). Example: service port {@code web}
 * and
 *
 * <pre>
 * subsets[0]: addresses [127.0.0.1, 127.0.0.2], ports [web 31001, metrics 9100]
 * subsets[1]: addresses [127.0.0.1],            ports [web 31002], notReadyAddresses [127.0.0.3]
 * </pre>
 *
 * give {@code 127.0.0.1:31001, 127.0.0.2:31001, 127.0.0.1:31002}: in the object's order, each
 * endpoint once.
 */
final class ServiceEndpoints {

    private ServiceEndpoints() {}

    /** The ready endpoints of {@code port}; addresses that are not IP literals are skipped. */
    static List<InetSocketAddress> of(Endpoints endpoints, ServicePort port) {
        Set<InetSocketAddress> result = new LinkedHashSet<>();
        for (EndpointSubset subset : endpoints.getSubsetsList()) {
            for (EndpointPort endpointPort : subset.getPortsList()) {
                if (!serves(endpointPort, port) || endpointPort.getPort() <= 0 || endpointPort.getPort() > 65535) {
                    continue;
                }
                for (EndpointAddress address : subset.getAddressesList()) {
                    ip(address.getIp()).ifPresent(ip -> result.add(new InetSocketAddress(ip, endpointPort.getPort())));
                }
            }
        }
        return List.copyOf(result);
    }

    /** Whether {@code endpointPort} serves {@code servicePort}: same name, same protocol. */
    static boolean serves(EndpointPort endpointPort, ServicePort servicePort) {
        return endpointPort.getName().equals(servicePort.getName())
                && protocol(endpointPort.getProtocol()) == protocol(servicePort.getProtocol());
    }

    /** The protocol with Kubernetes' default applied: unset is TCP. */
    static Protocol protocol(Protocol protocol) {
        return protocol == Protocol.PROTOCOL_UNSPECIFIED ? Protocol.PROTOCOL_TCP : protocol;
    }

    /** {@code ip:port} ({@code [ip]:port} for IPv6), without the host name or slash Java prints. */
    static String text(InetSocketAddress address) {
        String ip = address.getAddress() == null
                ? address.getHostString()
                : InetAddresses.toAddrString(address.getAddress());
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** The protocol's Kubernetes name: TCP, UDP, SCTP. */
    static String name(Protocol protocol) {
        return protocol(protocol).name().substring("PROTOCOL_".length());
    }

    /** {@code text} as an address if it is an IPv4 or IPv6 literal; never a DNS lookup. */
    static Optional<InetAddress> ip(String text) {
        if (!InetAddresses.isInetAddress(text)) {
            return Optional.empty();
        }
        return Optional.of(InetAddresses.forString(text));
    }
}
