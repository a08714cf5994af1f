package io.capstan.kubelet.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out one service port's endpoints in turn, for new connections. The endpoints are replaced
 * as a whole when the Endpoints change; the turn carries on over the new list, so an update does
 * not send the next connection back to the first endpoint. Connections already made are not
 * affected by an update: an endpoint that leaves gets no new connections, and its open ones go on.
 *
 * <p>Thread-safe and lock-free: any event loop may pick while the proxy's sync updates.
 */
final class RoundRobin {
    private volatile List<InetSocketAddress> endpoints = List.of();
    private final AtomicInteger turn = new AtomicInteger();

    void update(List<InetSocketAddress> endpoints) {
        this.endpoints = List.copyOf(endpoints);
    }

    List<InetSocketAddress> endpoints() {
        return endpoints;
    }

    boolean isEmpty() {
        return endpoints.isEmpty();
    }

    /**
     * The endpoint whose turn it is, skipping those in {@code tried}; empty when there is none left.
     * Looks at each endpoint at most once.
     */
    Optional<InetSocketAddress> next(Set<InetSocketAddress> tried) {
        List<InetSocketAddress> current = endpoints;
        for (int i = 0; i < current.size(); i++) {
            InetSocketAddress candidate = current.get(Math.floorMod(turn.getAndIncrement(), current.size()));
            if (!tried.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
