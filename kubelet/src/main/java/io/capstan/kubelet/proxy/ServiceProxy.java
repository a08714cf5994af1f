package io.capstan.kubelet.proxy;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.events.EventRecorder;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's service proxy: a TCP proxy on every Service's {@code clusterIP:port} and on its node
 * port, balancing new connections round-robin over the service's ready endpoints, as kube-proxy's
 * userspace mode did. It follows Services and Endpoints through informers, its own or the kubelet's
 * shared ones, and changes its listeners and balancers live.
 *
 * <p><b>What it promises.</b>
 *
 * <ul>
 *   <li>Every TCP service port is served on its ClusterIP (a loopback address, so processes on the
 *       host reach {@code clusterIP:port}) unless the service is headless (clusterIP None), and on
 *       {@code nodePortAddress:nodePort} when it has a node port. Ports come and go with the Service;
 *       a deleted service's listeners close.
 *   <li>A new connection goes to the next ready endpoint in turn; a failed connect is tried on the
 *       next one, up to {@link ProxyConfig#maxConnectAttempts()} (see {@link ConnectPlan}).
 *   <li>With no ready endpoint (or none that accepts) the client's connection is reset at once, so
 *       it fails fast as with kube-proxy's REJECT rule, rather than hanging or reading an empty
 *       answer.
 *   <li>An endpoint that leaves the Endpoints gets no new connections; its open connections run
 *       until either side ends them (or they idle past {@link ProxyConfig#idleTimeout()}).
 *   <li>Every listener binds with SO_REUSEPORT, so proxies of several kubelets on one host serve the
 *       same ports and the ports keep answering when one of them stops.
 *   <li>A port that cannot be bound is reported as a Warning Event on its Service (reason {@value
 *       Proxier#FAILED_TO_BIND}) and retried on every resync; the service's other ports and the
 *       other services work regardless.
 * </ul>
 *
 * <p><b>What it does not do.</b> UDP and SCTP ports are not proxied (logged once per port). Session
 * affinity (ClientIP) is not honoured: every connection is balanced. Source addresses are not
 * preserved: endpoints see the proxy's address.
 *
 * <p><b>Threads.</b> {@link ProxyConfig#eventLoopThreads()} Netty event loops, whatever the number
 * of services and connections, and the two informer threads when it created its informers.
 * Thread-safe.
 */
public final class ServiceProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

    private final Informer<Service> services;
    private final Informer<Endpoints> endpoints;
    private final boolean ownsInformers;
    private final Proxier proxier;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServiceProxy(
            Informer<Service> services, Informer<Endpoints> endpoints, boolean ownsInformers, Proxier proxier) {
        this.services = services;
        this.endpoints = endpoints;
        this.ownsInformers = ownsInformers;
        this.proxier = proxier;
    }

    /**
     * Starts following every namespace's Services and Endpoints through informers of its own on
     * {@code client} (Services resynced every {@link ProxyConfig#resyncPeriod()}, Endpoints never),
     * which {@link #close()} closes, and serving them. Returns at once; listeners are bound as the
     * informers fill (see {@link #awaitSynced}).
     *
     * @param events where bind failures are reported (the kubelet's recorder); called on event
     *     loops, so it must not block, as {@code ApiEventRecorder} does not; not closed here
     */
    public static ServiceProxy start(ObjectClient client, ProxyConfig config, EventRecorder events) {
        Informer<Service> services = Informer.create(client.services(), ListOptions.all(), config.resyncPeriod());
        Informer<Endpoints> endpoints = Informer.create(client.endpoints(), ListOptions.all(), Duration.ZERO);
        ServiceProxy proxy = start(services, endpoints, true, config, events);
        services.start();
        endpoints.start();
        return proxy;
    }

    /**
     * Starts serving the Services and Endpoints of informers someone else owns, as the kubelet's
     * shared ones: adds a handler to each (whether or not they have started; a handler added late
     * first gets an add for each cached object), never starts or closes them. Bind failures are
     * retried when {@code services} resyncs, so its resync period should be {@link
     * ProxyConfig#resyncPeriod()}. Returns at once (see {@link #awaitSynced}).
     *
     * @param events as for {@link #start(ObjectClient, ProxyConfig, EventRecorder)}
     */
    public static ServiceProxy start(
            Informer<Service> services, Informer<Endpoints> endpoints, ProxyConfig config, EventRecorder events) {
        return start(services, endpoints, false, config, events);
    }

    private static ServiceProxy start(
            Informer<Service> services,
            Informer<Endpoints> endpoints,
            boolean ownsInformers,
            ProxyConfig config,
            EventRecorder events) {
        Proxier proxier = new Proxier(config, events);
        ServiceProxy proxy = new ServiceProxy(services, endpoints, ownsInformers, proxier);
        services.addHandler(proxy.handler(Service::getMetadata));
        endpoints.addHandler(proxy.handler(Endpoints::getMetadata));
        log.info(
                "Service proxy started: node ports on {}, {} event loop threads",
                config.nodePortAddress(),
                config.eventLoopThreads());
        return proxy;
    }

    /** Waits until both informers have listed once, so every existing service is being bound. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return services.awaitSynced(timeout)
                && endpoints.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** The connection counts of the service {@code service}; zeros for a service not served. */
    public ConnectionCounts connections(ObjectKey service) {
        return proxier.counts(service);
    }

    /** The addresses bound now, for every service (binding is asynchronous). */
    public Set<InetSocketAddress> listening() {
        return proxier.bound();
    }

    /**
     * Stops following the API (closing the informers only if it created them; its handlers on
     * shared ones stay registered but do nothing more), closes every listener and then every
     * proxied connection, and stops the event loops; waits up to about 10 s.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ownsInformers) {
            services.close();
            endpoints.close();
        }
        proxier.close();
        log.info("Service proxy stopped");
    }

    /** Level-based: whichever kind changed, syncs the service from both caches as they are now. */
    private <T> EventHandler<T> handler(Function<T, ObjectMeta> metadata) {
        return new EventHandler<>() {
            @Override
            public void onAdd(T object) {
                sync(ObjectKey.of(metadata.apply(object)));
            }

            @Override
            public void onUpdate(T oldObject, T newObject) {
                sync(ObjectKey.of(metadata.apply(newObject)));
            }

            @Override
            public void onDelete(T object) {
                sync(ObjectKey.of(metadata.apply(object)));
            }
        };
    }

    private void sync(ObjectKey key) {
        if (closed.get()) {
            return; // a shared informer calls on after close
        }
        proxier.sync(
                key,
                services.indexer().get(key).orElse(null),
                endpoints.indexer().get(key).orElse(null));
    }
}
