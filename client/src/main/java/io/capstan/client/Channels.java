package io.capstan.client;

import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel per API server and the one calls go to now. Calls stay on the current endpoint
 * until a call there finds it UNAVAILABLE; then the current endpoint moves to the next one whose
 * channel is not known to be failing, so a dead server costs one failed attempt, not one per call.
 * Thread-safe.
 */
final class Channels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Channels.class);
    private static final int MAX_MESSAGE_BYTES = 64 << 20;

    record Endpoint(int index, String target, ManagedChannel channel) {}

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final AtomicInteger current = new AtomicInteger();

    Channels(List<String> targets) {
        for (int i = 0; i < targets.size(); i++) {
            ManagedChannel channel = Grpc.newChannelBuilder(targets.get(i), InsecureChannelCredentials.create())
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .build();
            endpoints.add(new Endpoint(i, targets.get(i), channel));
        }
    }

    int size() {
        return endpoints.size();
    }

    Endpoint current() {
        return endpoints.get(current.get());
    }

    /**
     * A call on {@code endpoint} found it unavailable. If it is still the current one, the next
     * endpoint that is not failing becomes current (or simply the next, when all are failing).
     */
    void failed(Endpoint endpoint) {
        int n = endpoints.size();
        int next = (endpoint.index() + 1) % n;
        for (int step = 1; step < n; step++) {
            int candidate = (endpoint.index() + step) % n;
            if (endpoints.get(candidate).channel().getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
                next = candidate;
                break;
            }
        }
        // a channel backs off between reconnects; the one we turn to should try again at once
        endpoints.get(next).channel().resetConnectBackoff();
        if (next != endpoint.index() && current.compareAndSet(endpoint.index(), next)) {
            log.info(
                    "API server {} unavailable, switching to {}",
                    endpoint.target(),
                    endpoints.get(next).target());
        }
    }

    @Override
    public void close() {
        for (Endpoint endpoint : endpoints) {
            endpoint.channel().shutdownNow();
        }
        for (Endpoint endpoint : endpoints) {
            try {
                endpoint.channel().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
