package io.capstan.kubelet.ingress;

import com.google.common.net.InetAddresses;
import java.time.Duration;

/**
 * How an {@link IngressProxy} serves.
 *
 * @param address where the proxy listens: {@code 127.0.0.1} by default
 * @param port the listening port (8080 by default; 0 picks a free one, for tests)
 * @param eventLoopThreads the Netty event loops that accept, read and forward every request
 * @param connectTimeout how long one connect to an endpoint may take
 * @param responseTimeout how long a backend may take to answer a forwarded request before the
 *     client gets 504
 * @param idleTimeout a client or pooled backend connection idle this long is closed
 * @param maxBodyBytes the largest request or response body forwarded (bodies are buffered whole:
 *     a larger request gets 413, a larger response 502)
 * @param maxIdlePerEndpoint kept-alive backend connections each event loop keeps per endpoint
 */
public record IngressConfig(
        String address,
        int port,
        int eventLoopThreads,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        int maxBodyBytes,
        int maxIdlePerEndpoint) {

    public static final int DEFAULT_PORT = 8080;

    public IngressConfig {
        if (!InetAddresses.isInetAddress(address)) {
            throw new IllegalArgumentException("address: must be an IP address, got \"" + address + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be in [0, 65535], got " + port);
        }
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("eventLoopThreads: must be >= 1, got " + eventLoopThreads);
        }
        positive("connectTimeout", connectTimeout);
        positive("responseTimeout", responseTimeout);
        positive("idleTimeout", idleTimeout);
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes: must be >= 0, got " + maxBodyBytes);
        }
        if (maxIdlePerEndpoint < 0) {
            throw new IllegalArgumentException("maxIdlePerEndpoint: must be >= 0, got " + maxIdlePerEndpoint);
        }
    }

    /**
     * 127.0.0.1:8080, 2 event loops, connects of 2 s, answers within 60 s, idle connections closed
     * after 5 min, bodies up to 10 MiB, 64 idle backend connections per endpoint and loop.
     */
    public static IngressConfig defaults() {
        return new IngressConfig(
                "127.0.0.1",
                DEFAULT_PORT,
                2,
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                Duration.ofMinutes(5),
                10 * 1024 * 1024,
                64);
    }

    public IngressConfig withAddress(String value) {
        return new IngressConfig(
                value,
                port,
                eventLoopThreads,
                connectTimeout,
                responseTimeout,
                idleTimeout,
                maxBodyBytes,
                maxIdlePerEndpoint);
    }

    public IngressConfig withPort(int value) {
        return new IngressConfig(
                address,
                value,
                eventLoopThreads,
                connectTimeout,
                responseTimeout,
                idleTimeout,
                maxBodyBytes,
                maxIdlePerEndpoint);
    }

    public IngressConfig withEventLoopThreads(int value) {
        return new IngressConfig(
                address, port, value, connectTimeout, responseTimeout, idleTimeout, maxBodyBytes, maxIdlePerEndpoint);
    }

    public IngressConfig withResponseTimeout(Duration value) {
        return new IngressConfig(
                address, port, eventLoopThreads, connectTimeout, value, idleTimeout, maxBodyBytes, maxIdlePerEndpoint);
    }

    private static void positive(String field, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": must be > 0, got " + value);
        }
    }
}
