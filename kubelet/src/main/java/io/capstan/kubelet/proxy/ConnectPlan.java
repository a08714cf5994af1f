package io.capstan.kubelet.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which endpoints one client connection tries, in order: the balancer's next endpoint, and after a
 * failed connect (refused, timed out, unreachable) the next one it has not tried, up to {@code
 * maxAttempts} connects in all. Kubernetes' userspace proxy retried the same way; a client thus
 * never sees an endpoint that went away but is still listed, as long as another one answers.
 *
 * <p>Not thread-safe: one connection's event loop uses it.
 */
final class ConnectPlan {
    private final RoundRobin balancer;
    private final int maxAttempts;
    private final Set<InetSocketAddress> tried = new HashSet<>();

    ConnectPlan(RoundRobin balancer, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: must be >= 1, got " + maxAttempts);
        }
        this.balancer = balancer;
        this.maxAttempts = maxAttempts;
    }

    /** The endpoint to connect to next; empty once the attempts are used up or no endpoint is left. */
    Optional<InetSocketAddress> next() {
        if (tried.size() >= maxAttempts) {
            return Optional.empty();
        }
        Optional<InetSocketAddress> next = balancer.next(tried);
        next.ifPresent(tried::add);
        return next;
    }

    int attempts() {
        return tried.size();
    }

    /**
     * Whether a connect that failed with {@code cause} is worth trying on another endpoint: any I/O
     * failure of the connect itself (Netty's connect failures are {@code ConnectException}s, timeouts
     * included, or other {@code SocketException}s).
     */
    static boolean isRetriable(Throwable cause) {
        return cause instanceof IOException;
    }
}
