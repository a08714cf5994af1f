package io.capstan.kubelet.proxy;

import java.time.Duration;

/**
 * How a {@link ServiceProxy} serves.
 *
 * @param nodePortAddress the address node ports are bound on: {@code 127.0.0.1} by default, {@code
 *     0.0.0.0} for every address of the host
 * @param eventLoopThreads the Netty event loop threads that accept, connect and relay for every
 *     service; the proxy starts no other threads than these and its two informers'
 * @param connectTimeout how long one connect to an endpoint may take before the next is tried
 * @param maxConnectAttempts how many endpoints one client connection tries at most
 * @param idleTimeout a proxied connection on which nothing was read or written for this long is
 *     closed (both sides)
 * @param resyncPeriod how often every Service is synced again, which also retries listeners that
 *     could not be bound
 */
public record ProxyConfig(
        String nodePortAddress,
        int eventLoopThreads,
        Duration connectTimeout,
        int maxConnectAttempts,
        Duration idleTimeout,
        Duration resyncPeriod) {

    public ProxyConfig {
        if (ServiceEndpoints.ip(nodePortAddress).isEmpty()) {
            throw new IllegalArgumentException(
                    "nodePortAddress: must be an IP address, got \"" + nodePortAddress + "\"");
        }
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("eventLoopThreads: must be >= 1, got " + eventLoopThreads);
        }
        positive("connectTimeout", connectTimeout);
        if (maxConnectAttempts < 1) {
            throw new IllegalArgumentException("maxConnectAttempts: must be >= 1, got " + maxConnectAttempts);
        }
        positive("idleTimeout", idleTimeout);
        if (resyncPeriod.isNegative()) {
            throw new IllegalArgumentException("resyncPeriod: must be >= 0, got " + resyncPeriod);
        }
    }

    /**
     * Node ports on 127.0.0.1, 2 event loop threads, connects of 2 s, 3 attempts, idle connections
     * closed after 1 h, resync every 30 s.
     */
    public static ProxyConfig defaults() {
        return new ProxyConfig("127.0.0.1", 2, Duration.ofSeconds(2), 3, Duration.ofHours(1), Duration.ofSeconds(30));
    }

    public ProxyConfig withNodePortAddress(String address) {
        return new ProxyConfig(
                address, eventLoopThreads, connectTimeout, maxConnectAttempts, idleTimeout, resyncPeriod);
    }

    public ProxyConfig withEventLoopThreads(int threads) {
        return new ProxyConfig(nodePortAddress, threads, connectTimeout, maxConnectAttempts, idleTimeout, resyncPeriod);
    }

    public ProxyConfig withConnectTimeout(Duration timeout) {
        return new ProxyConfig(
                nodePortAddress, eventLoopThreads, timeout, maxConnectAttempts, idleTimeout, resyncPeriod);
    }

    public ProxyConfig withMaxConnectAttempts(int attempts) {
        return new ProxyConfig(nodePortAddress, eventLoopThreads, connectTimeout, attempts, idleTimeout, resyncPeriod);
    }

    public ProxyConfig withIdleTimeout(Duration timeout) {
        return new ProxyConfig(
                nodePortAddress, eventLoopThreads, connectTimeout, maxConnectAttempts, timeout, resyncPeriod);
    }

    public ProxyConfig withResyncPeriod(Duration period) {
        return new ProxyConfig(
                nodePortAddress, eventLoopThreads, connectTimeout, maxConnectAttempts, idleTimeout, period);
    }

    private static void positive(String field, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": must be > 0, got " + value);
        }
    }
}
