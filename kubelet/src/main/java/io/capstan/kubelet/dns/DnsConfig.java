package io.capstan.kubelet.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link DnsServer} serves.
 *
 * @param address where it listens, on UDP and TCP both ({@code 127.0.0.1:10053} by default; port 0:
 *     a free port, the same for both)
 * @param clusterDomain the zone it answers for with authority ({@code cluster.local}); no trailing
 *     dot, lower case
 * @param upstream where names outside the cluster domain are forwarded (UDP, and TCP when the
 *     answer is truncated); null: such names are REFUSED
 * @param ttl the time to live of every record it answers, and of negative answers
 * @param upstreamTimeout how long a forwarded query may take before the client gets SERVFAIL
 */
public record DnsConfig(
        InetSocketAddress address,
        String clusterDomain,
        @Nullable InetSocketAddress upstream,
        Duration ttl,
        Duration upstreamTimeout) {

    public static final int DEFAULT_PORT = 10053;
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    public DnsConfig {
        clusterDomain = normalized(clusterDomain);
        if (clusterDomain.isEmpty()) {
            throw new IllegalArgumentException("clusterDomain: required");
        }
        if (ttl.isNegative() || ttl.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ttl: must be >= 0, got " + ttl);
        }
        if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new IllegalArgumentException("upstreamTimeout: must be > 0, got " + upstreamTimeout);
        }
    }

    /** 127.0.0.1:10053, cluster.local, no upstream, records of 5 s, upstream answers within 2 s. */
    public static DnsConfig defaults() {
        return new DnsConfig(
                new InetSocketAddress("127.0.0.1", DEFAULT_PORT),
                DEFAULT_CLUSTER_DOMAIN,
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(2));
    }

    public DnsConfig withAddress(InetSocketAddress value) {
        return new DnsConfig(value, clusterDomain, upstream, ttl, upstreamTimeout);
    }

    public DnsConfig withClusterDomain(String value) {
        return new DnsConfig(address, value, upstream, ttl, upstreamTimeout);
    }

    public DnsConfig withUpstream(@Nullable InetSocketAddress value) {
        return new DnsConfig(address, clusterDomain, value, ttl, upstreamTimeout);
    }

    public DnsConfig withUpstreamTimeout(Duration value) {
        return new DnsConfig(address, clusterDomain, upstream, ttl, value);
    }

    /**
     * Parses {@code --dns-upstream}: {@code HOST:PORT}, or {@code HOST} for port 53; an IPv6
     * address in brackets ({@code [::1]:53}).
     */
    public static InetSocketAddress parseUpstream(String value) {
        String text = value.trim();
        String host = text;
        int port = 53;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("--dns-upstream: expected [IPv6]:PORT, got \"" + value + "\"");
            }
            host = text.substring(1, close);
            if (close + 1 < text.length()) {
                port = port(value, text.substring(close + 1));
            }
        } else if (text.indexOf(':') >= 0) {
            int colon = text.lastIndexOf(':');
            host = text.substring(0, colon);
            port = port(value, text.substring(colon));
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("--dns-upstream: expected HOST:PORT, got \"" + value + "\"");
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(String value, String colonPort) {
        try {
            if (!colonPort.startsWith(":")) {
                throw new NumberFormatException();
            }
            int port = Integer.parseInt(colonPort.substring(1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--dns-upstream: expected HOST:PORT with a port from 1 to 65535, got \"" + value + "\"", e);
        }
    }

    private static String normalized(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }
}
