package io.capstan.apiserver.service;

import java.time.Duration;
import java.util.Set;

/**
 * How one API server runs. {@link #defaults()} gives Kubernetes' numbers; tests shorten the periods.
 *
 * @param serviceCidr where ClusterIPs come from; a loopback block so each node serves them itself
 * @param nodePorts where NodePorts come from
 * @param reservedPorts ports never handed out as NodePorts (the control plane's own listeners)
 * @param compactionInterval how often the store is compacted, and so how much history is kept
 * @param eventTtl how long an Event lives after its last write
 * @param requestTimeout how long one store request may take before the call fails UNAVAILABLE
 * @param bootstrapNamespaces whether this server creates the namespaces that always exist
 */
public record ApiConfig(
        Ipv4Range serviceCidr,
        PortRange nodePorts,
        Set<Integer> reservedPorts,
        Duration compactionInterval,
        Duration eventTtl,
        Duration requestTimeout,
        boolean bootstrapNamespaces) {

    public ApiConfig {
        reservedPorts = Set.copyOf(reservedPorts);
        if (compactionInterval.isNegative() || eventTtl.isNegative() || eventTtl.isZero()) {
            throw new IllegalArgumentException("compaction interval must be >= 0 and event TTL > 0");
        }
    }

    public static ApiConfig defaults() {
        return new ApiConfig(
                Ipv4Range.parse("127.77.0.0/16"),
                new PortRange(30000, 32767),
                Set.of(),
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                Duration.ofSeconds(10),
                true);
    }

    public ApiConfig withServiceCidr(String cidr) {
        return new ApiConfig(
                Ipv4Range.parse(cidr),
                nodePorts,
                reservedPorts,
                compactionInterval,
                eventTtl,
                requestTimeout,
                bootstrapNamespaces);
    }

    public ApiConfig withNodePorts(String range) {
        return new ApiConfig(
                serviceCidr,
                PortRange.parse(range),
                reservedPorts,
                compactionInterval,
                eventTtl,
                requestTimeout,
                bootstrapNamespaces);
    }

    public ApiConfig withReservedPorts(Set<Integer> ports) {
        return new ApiConfig(
                serviceCidr, nodePorts, ports, compactionInterval, eventTtl, requestTimeout, bootstrapNamespaces);
    }

    /** {@link Duration#ZERO} turns periodic compaction off. */
    public ApiConfig withCompactionInterval(Duration interval) {
        return new ApiConfig(
                serviceCidr, nodePorts, reservedPorts, interval, eventTtl, requestTimeout, bootstrapNamespaces);
    }

    public ApiConfig withEventTtl(Duration ttl) {
        return new ApiConfig(
                serviceCidr, nodePorts, reservedPorts, compactionInterval, ttl, requestTimeout, bootstrapNamespaces);
    }
}
