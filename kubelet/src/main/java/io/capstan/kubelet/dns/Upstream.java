package io.capstan.kubelet.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * The resolver names outside the cluster domain are forwarded to: dnsjava's client, over UDP, and
 * again over TCP when the upstream's answer is truncated. A query that gets no answer within the
 * timeout fails its future. Thread-safe; dnsjava's one selector thread does the I/O.
 */
final class Upstream {
    private final SimpleResolver resolver;
    private final Executor callbacks;

    Upstream(InetSocketAddress address, Duration timeout, Executor callbacks) {
        this.resolver = new SimpleResolver(address);
        resolver.setTimeout(timeout);
        // the client's own EDNS record (or its absence) travels as it came; none added here
        resolver.setEDNS(-1, 0, 0, java.util.List.of());
        this.callbacks = callbacks;
    }

    InetSocketAddress address() {
        return resolver.getAddress();
    }

    /** The upstream's answer to a copy of {@code query}, with the query's id. */
    CompletableFuture<Message> forward(Message query) {
        return resolver.sendAsync(query.clone(), callbacks).toCompletableFuture();
    }
}
