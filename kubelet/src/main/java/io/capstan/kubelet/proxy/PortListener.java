package io.capstan.kubelet.proxy;

import io.capstan.proto.api.v1.Service;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket of the proxy: a service port on the ClusterIP, or its node port. It binds
 * with SO_REUSEPORT (and SO_REUSEADDR), so the proxies of several kubelets on one host all listen on
 * the same address and the kernel spreads new connections over them; when one proxy goes, the
 * others keep answering. A bind that fails (the port is held by a socket without SO_REUSEPORT, or
 * is privileged) is reported once to the {@link Owner}, and tried again on each {@link
 * #bindIfNotBound()}.
 *
 * <p>Closing stops accepting; connections already accepted go on until either side ends them.
 * Thread-safe.
 */
final class PortListener {
    private static final Logger log = LoggerFactory.getLogger(PortListener.class);

    /** Which of a service port's addresses this is. */
    enum Role {
        CLUSTER_IP("clusterIP"),
        NODE_PORT("nodePort");

        private final String field;

        Role(String field) {
            this.field = field;
        }

        /** The service field the address comes from, for messages. */
        String field() {
            return field;
        }
    }

    /** What a listener needs from the proxy. */
    interface Owner {
        /** The balancer of {@code port} now; null when the port has none (yet). */
        @Nullable
        RoundRobin balancer(ServicePortName port);

        /** The first bind of {@code listener} failed with {@code cause}; called outside its lock. */
        void bindFailed(PortListener listener, Throwable cause);
    }

    private final InetSocketAddress address;
    private final Role role;
    private final EventLoopGroup group;
    private final ProxyConfig config;
    private final ServiceCounters counters;
    private final Owner owner;
    private volatile ServicePortName target;
    private volatile Service service;

    // guarded by this
    private @Nullable Channel channel;
    private boolean binding;
    private boolean failed;
    private boolean closed;

    PortListener(
            InetSocketAddress address,
            Role role,
            ServicePortName target,
            Service service,
            EventLoopGroup group,
            ProxyConfig config,
            ServiceCounters counters,
            Owner owner) {
        this.address = address;
        this.role = role;
        this.target = target;
        this.service = service;
        this.group = group;
        this.config = config;
        this.counters = counters;
        this.owner = owner;
    }

    InetSocketAddress address() {
        return address;
    }

    Role role() {
        return role;
    }

    ServicePortName target() {
        return target;
    }

    Service service() {
        return service;
    }

    /** New connections go to {@code target}'s endpoints from now on. */
    void retarget(ServicePortName target, Service service) {
        this.target = target;
        this.service = service;
    }

    synchronized boolean isBound() {
        return channel != null;
    }

    /** Binds, unless bound, binding or closed. Returns at once; the bind completes on an event loop. */
    synchronized void bindIfNotBound() {
        if (closed || binding || channel != null) {
            return;
        }
        binding = true;
        long idleMillis = config.idleTimeout().toMillis();
        new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ServicePortName port = target;
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                                .addLast("frontend", new FrontendHandler(port, owner.balancer(port), counters, config));
                    }
                })
                .bind(address)
                .addListener((ChannelFuture f) -> bound(f));
    }

    private void bound(ChannelFuture bind) {
        boolean firstFailure;
        synchronized (this) {
            binding = false;
            if (bind.isSuccess()) {
                if (closed) {
                    Relay.close(bind.channel());
                } else {
                    channel = bind.channel();
                    if (failed) {
                        log.info(
                                "Bound {} for {} ({}) after all", ServiceEndpoints.text(address), target, role.field());
                    } else {
                        log.debug("Bound {} for {} ({})", ServiceEndpoints.text(address), target, role.field());
                    }
                    failed = false;
                }
                return;
            }
            firstFailure = !failed;
            failed = true;
        }
        if (firstFailure) {
            owner.bindFailed(this, bind.cause());
        } else {
            log.debug(
                    "Bind of {} for {} failed again: {}",
                    ServiceEndpoints.text(address),
                    target,
                    bind.cause().toString());
        }
    }

    /**
     * Stops accepting; the future, if a socket was open, completes when it is closed. A bind still
     * under way closes its socket as soon as it completes.
     */
    synchronized Optional<ChannelFuture> close() {
        closed = true;
        Channel open = channel;
        channel = null;
        return open == null ? Optional.empty() : Optional.of(open.close());
    }
}
