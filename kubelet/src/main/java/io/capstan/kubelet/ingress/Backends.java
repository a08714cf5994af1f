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
import org.jspecify.annotations.Nullable;

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
    private final ConcurrentHashMap<String, Target> targets = new ConcurrentHashMap<>();

    /** A route's turn counter and its endpoints as last computed, from those very objects. */
    private static final class Target {
        final AtomicInteger turn = new AtomicInteger();
        volatile @Nullable Resolved resolved;
    }

    private record Resolved(Service service, Endpoints endpoints, List<InetSocketAddress> ready) {}

    Backends(Indexer<Service> services, Indexer<Endpoints> endpoints) {
        this.services = services;
        this.endpoints = endpoints;
    }

    /** The ready endpoints of {@code route} now, in the Endpoints' order; empty when none. */
    List<InetSocketAddress> of(Route route) {
        return of(route, new Target());
    }

    /**
     * As {@link #of(Route)}, reusing {@code target}'s last list while the caches hold the same
     * Service and Endpoints objects (an informer replaces an object when it changes).
     */
    private List<InetSocketAddress> of(Route route, Target target) {
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
        Resolved last = target.resolved;
        if (last != null && last.service() == service.get() && last.endpoints() == list.get()) {
            return last.ready();
        }
        List<InetSocketAddress> ready = ready(list.get(), port.get());
        target.resolved = new Resolved(service.get(), list.get(), ready);
        return ready;
    }

    /** The next endpoint of {@code route} in turn that is not in {@code tried}; empty when none. */
    Optional<InetSocketAddress> next(Route route, Set<InetSocketAddress> tried) {
        Target target = targets.computeIfAbsent(route.text(), k -> new Target());
        List<InetSocketAddress> current = of(route, target);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        AtomicInteger turn = target.turn;
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
