package io.capstan.kubelet.ingress;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.Service;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's ingress proxy: an HTTP/1.1 reverse proxy on {@link IngressConfig#address()}:{@link
 * IngressConfig#port()} serving every Ingress of every namespace, as ingress controllers do.
 *
 * <p><b>What it promises.</b>
 *
 * <ul>
 *   <li>Requests are routed as {@link RouteTable} states (host, longest path, Exact before Prefix,
 *       default backend, else 404) to the Service port the route names, balanced round-robin over
 *       its ready endpoints (503 when there is none). Ingresses, Services and Endpoints are followed
 *       live through informers; a request is routed with the rules of the moment it arrived and an
 *       endpoint that leaves gets no new requests while its requests under way finish.
 *   <li>Forwarding as {@link HttpFrontend} states: kept-alive pooled backend connections, one retry
 *       of an idempotent request on a refused connect, X-Forwarded-For/-Host/-Proto, hop-by-hop
 *       headers removed.
 *   <li>The listener binds with SO_REUSEPORT (and SO_REUSEADDR), like the service proxy's, so the
 *       kubelets of one host all serve the same port.
 *   <li>Each Ingress's status.loadBalancer.ingress lists this proxy's address and port ({@link
 *       IngressStatusWriter}); written only when missing, so kubelets sharing a host agree.
 * </ul>
 *
 * <p><b>What it does not do.</b> Bodies are buffered whole up to {@link
 * IngressConfig#maxBodyBytes()} (not streamed); no TLS, no HTTP/2, no WebSocket upgrades (Upgrade is
 * a hop-by-hop header and is dropped).
 *
 * <p><b>Threads.</b> One Ingress informer thread (and two more, for Services and Endpoints, when it
 * created those informers rather than being given the kubelet's), one status writer and {@link
 * IngressConfig#eventLoopThreads()} Netty event loops. Thread-safe.
 */
public final class IngressProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngressProxy.class);
    private static final Duration RESYNC = Duration.ofMinutes(5);

    private final Informer<Ingress> ingresses;
    private final Informer<Service> services;
    private final Informer<Endpoints> endpoints;
    private final boolean ownsServicesAndEndpoints;
    private final Backends backends;
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final IngressStatusWriter statuses;
    private final Channel listener;
    private volatile RouteTable routes = RouteTable.empty();
    private final AtomicBoolean closed = new AtomicBoolean();

    private IngressProxy(
            ObjectClient client,
            IngressConfig config,
            String advertisedAddress,
            Informer<Service> services,
            Informer<Endpoints> endpoints,
            boolean ownsServicesAndEndpoints)
            throws InterruptedException {
        this.services = services;
        this.endpoints = endpoints;
        this.ownsServicesAndEndpoints = ownsServicesAndEndpoints;
        this.backends = new Backends(services.indexer(), endpoints.indexer());
        this.group = new NioEventLoopGroup(config.eventLoopThreads(), new DefaultThreadFactory("ingress-proxy", true));
        this.channels = new DefaultChannelGroup("ingress-proxy", GlobalEventExecutor.INSTANCE);
        BackendPool pool = new BackendPool(config, channels);
        long idleMillis = config.idleTimeout().toMillis();
        Channel bound;
        try {
            bound = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ch.pipeline()
                                    .addLast("idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                                    .addLast("codec", new HttpServerCodec())
                                    .addLast("aggregator", new HttpObjectAggregator(config.maxBodyBytes(), true))
                                    .addLast("frontend", new HttpFrontend(() -> routes, backends, pool, config));
                        }
                    })
                    .bind(config.address(), config.port())
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        } catch (Exception e) { // sync() rethrows the bind's IOException unchecked
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            String where = config.address() + ":" + config.port();
            throw e instanceof java.io.IOException io
                    ? new UncheckedIOException("cannot listen on " + where + ": " + io.getMessage(), io)
                    : new IllegalStateException("cannot listen on " + where, e);
        }
        this.listener = bound;
        this.ingresses = Informer.create(client.ingresses(), ListOptions.all(), RESYNC);
        InetSocketAddress local = (InetSocketAddress) bound.localAddress();
        String address = wildcard(config.address()) ? advertisedAddress : config.address();
        this.statuses = new IngressStatusWriter(client.ingresses(), address, local.getPort());
    }

    /**
     * Binds the listener (throwing {@link UncheckedIOException} at once when it cannot) and starts
     * following Ingresses, Services and Endpoints through informers of its own on {@code client},
     * which {@link #close()} closes.
     *
     * @param advertisedAddress the address written into Ingress statuses when the proxy listens on
     *     every address (0.0.0.0 or ::): the node's address
     */
    public static IngressProxy start(ObjectClient client, IngressConfig config, String advertisedAddress)
            throws InterruptedException {
        Informer<Service> services = Informer.create(client.services(), ListOptions.all(), RESYNC);
        Informer<Endpoints> endpoints = Informer.create(client.endpoints(), ListOptions.all(), Duration.ZERO);
        IngressProxy proxy;
        try {
            proxy = start(client, config, advertisedAddress, services, endpoints, true);
        } catch (InterruptedException | RuntimeException e) {
            services.close();
            endpoints.close();
            throw e;
        }
        services.start();
        endpoints.start();
        return proxy;
    }

    /**
     * Binds the listener (throwing {@link UncheckedIOException} at once when it cannot) and starts
     * following Ingresses through an informer of its own on {@code client}, and Services and
     * Endpoints through informers someone else owns, as the kubelet's shared ones: it only reads
     * their caches, and never starts or closes them.
     *
     * @param advertisedAddress as for {@link #start(ObjectClient, IngressConfig, String)}
     */
    public static IngressProxy start(
            ObjectClient client,
            IngressConfig config,
            String advertisedAddress,
            Informer<Service> services,
            Informer<Endpoints> endpoints)
            throws InterruptedException {
        return start(client, config, advertisedAddress, services, endpoints, false);
    }

    private static IngressProxy start(
            ObjectClient client,
            IngressConfig config,
            String advertisedAddress,
            Informer<Service> services,
            Informer<Endpoints> endpoints,
            boolean ownsServicesAndEndpoints)
            throws InterruptedException {
        IngressProxy proxy =
                new IngressProxy(client, config, advertisedAddress, services, endpoints, ownsServicesAndEndpoints);
        proxy.ingresses.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Ingress object) {
                proxy.rebuild();
                proxy.statuses.ensure(object);
            }

            @Override
            public void onUpdate(Ingress oldObject, Ingress newObject) {
                if (!oldObject.getSpec().equals(newObject.getSpec())) {
                    proxy.rebuild();
                }
                proxy.statuses.ensure(newObject);
            }

            @Override
            public void onDelete(Ingress object) {
                proxy.rebuild();
            }
        });
        proxy.ingresses.start();
        log.info("Ingress proxy listening on {}", proxy.address());
        return proxy;
    }

    /** The address the proxy listens on (with the port chosen when the configured one was 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Waits until the three informers have listed once. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return ingresses.awaitSynced(timeout)
                && services.awaitSynced(remaining(deadline))
                && endpoints.awaitSynced(remaining(deadline));
    }

    /** The routes served now. */
    public RouteTable routes() {
        return routes;
    }

    /** The ready endpoints {@code route} is balanced over now. */
    public List<InetSocketAddress> endpoints(Route route) {
        return backends.of(route);
    }

    /**
     * Stops following the API (closing the Services and Endpoints informers only if it created
     * them), closes the listener and every connection, stops the event loops.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ingresses.close();
        if (ownsServicesAndEndpoints) {
            services.close();
            endpoints.close();
        }
        statuses.close();
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info("Ingress proxy stopped");
    }

    private void rebuild() {
        routes = RouteTable.of(ingresses.indexer().list());
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static boolean wildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
    }
}
