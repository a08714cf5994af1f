package io.capstan.kubelet.ingress;

import com.google.common.net.InetAddresses;
import io.capstan.client.informer.Indexer;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.IngressServiceBackend;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route's ready endpoints, read from the informers' caches at each request (so they follow
 * Services and Endpoints live), handed out round-robin. The Service port is found by number or
 * name; its endpoints are the Endpoints' ready addresses crossed with the subset ports of the same
 * name and protocol TCP, as kube-proxy reads them.
 *
 * <p>Thread-safe.
 */
final class Backends {
    private final Indexer<Service> services;
    private final Indexer<Endpoints> endpoints;
    private final ConcurrentHashMap<String, AtomicInteger> turns = new ConcurrentHashMap<>();

    Backends(Indexer<Service> services, Indexer<Endpoints> endpoints) {
        this.services = services;
        this.endpoints = endpoints;
    }

    /** The ready endpoints of {@code route} now, in the Endpoints' order; empty when none. */
    List<InetSocketAddress> of(Route route) {
        IngressServiceBackend backend = route.backend();
        Optional<Service> service = services.get(route.namespace(), backend.getName());
        if (service.isEmpty()) {
            return List.of();
        }
        Optional<ServicePort> port = port(service.get(), backend);
        Optional<Endpoints> list = endpoints.get(route.namespace(), backend.getName());
        if (port.isEmpty() || list.isEmpty()) {
            return List.of();
        }
        return ready(list.get(), port.get());
    }

    /** The next endpoint of {@code route} in turn that is not in {@code tried}; empty when none. */
    Optional<InetSocketAddress> next(Route route, Set<InetSocketAddress> tried) {
        List<InetSocketAddress> current = of(route);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        AtomicInteger turn = turns.computeIfAbsent(route.text(), k -> new AtomicInteger());
        for (int i = 0; i < current.size(); i++) {
            InetSocketAddress candidate = current.get(Math.floorMod(turn.getAndIncrement(), current.size()));
            if (!tried.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Optional<ServicePort> port(Service service, IngressServiceBackend backend) {
        for (ServicePort port : service.getSpec().getPortsList()) {
            boolean byName = !backend.getPort().getName().isEmpty()
                    && backend.getPort().getName().equals(port.getName());
            boolean byNumber =
                    backend.getPort().getName().isEmpty() && backend.getPort().getNumber() == port.getPort();
            if ((byName || byNumber) && tcp(port.getProtocol())) {
                return Optional.of(port);
            }
        }
        return Optional.empty();
    }

    static List<InetSocketAddress> ready(Endpoints endpoints, ServicePort port) {
        Set<InetSocketAddress> result = new LinkedHashSet<>();
        for (EndpointSubset subset : endpoints.getSubsetsList()) {
            for (EndpointPort endpointPort : subset.getPortsList()) {
                if (!endpointPort.getName().equals(port.getName())
                        || !tcp(endpointPort.getProtocol())
                        || endpointPort.getPort() <= 0
                        || endpointPort.getPort() > 65535) {
                    continue;
                }
                for (EndpointAddress address : subset.getAddressesList()) {
                    if (InetAddresses.isInetAddress(address.getIp())) {
                        result.add(new InetSocketAddress(
                                InetAddresses.forString(address.getIp()), endpointPort.getPort()));
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    private static boolean tcp(Protocol protocol) {
        return protocol == Protocol.PROTOCOL_UNSPECIFIED || protocol == Protocol.PROTOCOL_TCP;
    }
}
