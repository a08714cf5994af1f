package io.capstan.kubelet.proxy;

import io.capstan.client.ObjectKey;
import io.capstan.client.events.EventRecorder;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's state and its one verb, {@link #sync}: given a Service and its Endpoints as they are
 * now, make the listeners and balancers match, as kube-proxy's Proxier does for its rules.
 *
 * <p>For each TCP service port: a listener on {@code clusterIP:port} unless the service is headless
 * (clusterIP None or empty), a listener on {@code nodePortAddress:nodePort} when it has a node port,
 * and a round-robin balancer over the port's ready endpoints ({@link ServiceEndpoints}). UDP and SCTP
 * ports are not proxied; each is logged once. A sync closes the listeners the service no longer
 * has (a removed port, a changed number, a deleted service), binds new ones, and tries again those
 * that could not be bound. A port that cannot be bound becomes a Warning Event on the service
 * (reason {@value #FAILED_TO_BIND}); the service's other ports work regardless.
 *
 * <p>Thread-safe: syncs are serialized; event loops read balancers without locks.
 */
final class Proxier implements PortListener.Owner, AutoCloseable {
    static final String FAILED_TO_BIND = "FailedToBindPort";

    private static final Logger log = LoggerFactory.getLogger(Proxier.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final ProxyConfig config;
    private final EventRecorder events;
    private final InetAddress nodePortAddress;
    private final EventLoopGroup group;
    private final Map<ServicePortName, RoundRobin> balancers = new ConcurrentHashMap<>();
    private final Map<ObjectKey, ServiceCounters> counters = new ConcurrentHashMap<>();

    // guarded by this; lock order: this, then a PortListener's lock, never the other way
    private final Map<ObjectKey, Map<InetSocketAddress, PortListener>> listeners = new HashMap<>();
    // guarded by this; per service, what was logged as not proxied, so each is logged once
    private final Map<ObjectKey, Set<String>> loggedOnce = new HashMap<>();
    // guarded by this
    private boolean closed;

    Proxier(ProxyConfig config, EventRecorder events) {
        this.config = config;
        this.events = events;
        this.nodePortAddress = ServiceEndpoints.ip(config.nodePortAddress()).orElseThrow();
        this.group = new NioEventLoopGroup(config.eventLoopThreads(), new DefaultThreadFactory("service-proxy", true));
    }

    /**
     * Brings the listeners and balancers of the service {@code key} to {@code service} and {@code
     * endpoints} (null: absent). A deleted service loses its listeners; its open connections go on.
     */
    synchronized void sync(ObjectKey key, @Nullable Service service, @Nullable Endpoints endpoints) {
        if (closed) {
            return;
        }
        Map<InetSocketAddress, Wanted> wanted = new LinkedHashMap<>();
        Map<ServicePortName, List<InetSocketAddress>> backends = new HashMap<>();
        if (service != null) {
            for (ServicePort port : service.getSpec().getPortsList()) {
                ServicePortName name = new ServicePortName(key, port.getName());
                if (ServiceEndpoints.protocol(port.getProtocol()) != Protocol.PROTOCOL_TCP) {
                    String protocol = ServiceEndpoints.name(port.getProtocol());
                    if (logOnce(key, protocol + "/" + port.getPort())) {
                        log.info("Not proxying {} port {} of {}: only TCP is proxied", protocol, port.getPort(), name);
                    }
                    continue;
                }
                backends.put(name, endpoints == null ? List.of() : ServiceEndpoints.of(endpoints, port));
                clusterIp(key, service)
                        .ifPresent(ip -> wanted.put(
                                new InetSocketAddress(ip, port.getPort()),
                                new Wanted(name, PortListener.Role.CLUSTER_IP)));
                if (port.getNodePort() > 0) {
                    wanted.put(
                            new InetSocketAddress(nodePortAddress, port.getNodePort()),
                            new Wanted(name, PortListener.Role.NODE_PORT));
                }
            }
        }
        updateBalancers(key, backends);

        Map<InetSocketAddress, PortListener> current = listeners.getOrDefault(key, Map.of());
        Map<InetSocketAddress, PortListener> next = new LinkedHashMap<>();
        for (PortListener listener : current.values()) {
            Wanted want = wanted.get(listener.address());
            if (want == null || want.role() != listener.role()) {
                log.info(
                        "Closing {} of {} ({})",
                        ServiceEndpoints.text(listener.address()),
                        listener.target(),
                        listener.role().field());
                listener.close();
            }
        }
        if (service == null) {
            listeners.remove(key);
            counters.remove(key);
            loggedOnce.remove(key);
            return;
        }
        ServiceCounters serviceCounters = counters.computeIfAbsent(key, k -> new ServiceCounters());
        for (Map.Entry<InetSocketAddress, Wanted> entry : wanted.entrySet()) {
            Wanted want = entry.getValue();
            PortListener listener = current.get(entry.getKey());
            if (listener == null || listener.role() != want.role()) {
                listener = new PortListener(
                        entry.getKey(), want.role(), want.port(), service, group, config, serviceCounters, this);
                log.info(
                        "Listening on {} for {} ({})",
                        ServiceEndpoints.text(entry.getKey()),
                        want.port(),
                        want.role().field());
            } else {
                listener.retarget(want.port(), service);
            }
            listener.bindIfNotBound();
            next.put(entry.getKey(), listener);
        }
        if (next.isEmpty()) {
            listeners.remove(key);
        } else {
            listeners.put(key, next);
        }
    }

    private void updateBalancers(ObjectKey key, Map<ServicePortName, List<InetSocketAddress>> backends) {
        balancers.keySet().removeIf(name -> name.service().equals(key) && !backends.containsKey(name));
        backends.forEach((name, endpoints) -> {
            RoundRobin balancer = balancers.computeIfAbsent(name, n -> new RoundRobin());
            if (!balancer.endpoints().equals(endpoints)) {
                log.debug("Endpoints of {}: {}", name, endpoints);
                balancer.update(endpoints);
            }
        });
    }

    /** The virtual address of {@code service}; empty for a headless one or a malformed address. */
    private Optional<InetAddress> clusterIp(ObjectKey key, Service service) {
        String ip = service.getSpec().getClusterIp();
        if (ip.isEmpty() || ip.equals("None")) {
            return Optional.empty();
        }
        Optional<InetAddress> address = ServiceEndpoints.ip(ip);
        if (address.isEmpty() && logOnce(key, "clusterIP " + ip)) {
            log.warn("Not listening on clusterIP \"{}\" of {}: not an IP address", ip, key);
        }
        return address;
    }

    private boolean logOnce(ObjectKey key, String what) {
        return loggedOnce.computeIfAbsent(key, k -> new HashSet<>()).add(what);
    }

    @Override
    public @Nullable RoundRobin balancer(ServicePortName port) {
        return balancers.get(port);
    }

    @Override
    public void bindFailed(PortListener listener, Throwable cause) {
        String message = "Failed to bind %s for %s (%s of port %s): %s"
                .formatted(
                        ServiceEndpoints.text(listener.address()),
                        listener.target().service(),
                        listener.role().field(),
                        listener.target().port().isEmpty()
                                ? "\"\""
                                : listener.target().port(),
                        cause.getMessage());
        log.warn("{}; will try again on the next sync", message);
        events.warning(
                EventRecorder.reference("v1", "Service", listener.service().getMetadata()), FAILED_TO_BIND, message);
    }

    ConnectionCounts counts(ObjectKey service) {
        ServiceCounters found = counters.get(service);
        return found == null ? ConnectionCounts.NONE : found.snapshot();
    }

    /** The addresses the service {@code key} has listeners for, bound or not. */
    synchronized Set<InetSocketAddress> addresses(ObjectKey key) {
        return Set.copyOf(listeners.getOrDefault(key, Map.of()).keySet());
    }

    /** The addresses bound now, for any service. */
    synchronized Set<InetSocketAddress> bound() {
        Set<InetSocketAddress> bound = new HashSet<>();
        listeners
                .values()
                .forEach(byAddress -> byAddress.values().stream()
                        .filter(PortListener::isBound)
                        .forEach(l -> bound.add(l.address())));
        return bound;
    }

    /** Closes every listener, then every connection, and stops the event loops (bounded wait). */
    @Override
    public void close() {
        List<ChannelFuture> closing = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Map<InetSocketAddress, PortListener> byAddress : listeners.values()) {
                for (PortListener listener : byAddress.values()) {
                    listener.close().ifPresent(closing::add);
                }
            }
            listeners.clear();
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        if (!group.shutdownGracefully(0, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Service proxy event loops still running after {}", CLOSE_TIMEOUT);
        }
    }

    private record Wanted(ServicePortName port, PortListener.Role role) {}
}
