package io.capstan.apiserver.service;

import io.capstan.apiserver.auth.TokenAuthenticator;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage;
import io.capstan.apiserver.storage.StoreUnavailableException;
import io.capstan.apiserver.watch.WatchCache;
import io.capstan.apiserver.watch.WatchCacheConfig;
import io.capstan.apiserver.watch.WatchCaches;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.TypedObject;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One API server: the ObjectService and PodStreamService (logs and exec, relayed to the pod's
 * kubelet) over gRPC (with bearer-token authentication, gRPC health and reflection), its watch
 * caches, and its housekeeping (periodic compaction; Event expiry is done by store leases), all
 * over one {@link KvStore}. Several API servers over one store form a
 * control plane: they share nothing but the store.
 */
public final class ObjectApiServer implements AutoCloseable {
    private final KvStore kv;
    private final ApiConfig config;
    private final MeterRegistry registry;
    private final WatchCaches caches;
    private final ObjectApi api;
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final KubeletClientSecret kubeletSecret;
    private final KubeletChannels kubeletChannels = new KubeletChannels();
    private @Nullable Compactor compactor;

    /**
     * @param kv the store; closed by {@link #close()}
     * @param listen host:port to serve on; port 0 picks a free one
     */
    public ObjectApiServer(KvStore kv, ApiConfig config, MeterRegistry registry, String listen) {
        this.kv = kv;
        this.config = config;
        this.registry = registry;
        ObjectStorage storage = new ObjectStorage(kv);
        this.caches = new WatchCaches(kv, WatchCacheConfig.defaults());
        this.api = new ObjectApi(
                storage,
                new Namespaces(kv, config.requestTimeout(), this::cachedNamespace),
                new ServiceAllocator(
                        kv, config.serviceCidr(), config.nodePorts(), config.reservedPorts(), config.requestTimeout()),
                new EventLeases(kv, config.eventTtl(), config.requestTimeout()),
                new RepeatedEvents(kv, config.requestTimeout()),
                Clock.systemUTC(),
                config.requestTimeout(),
                this::cachedObject);
        ObjectGrpcService service = new ObjectGrpcService(api, storage, caches, registry, config.requestTimeout());
        TokenAuthenticator auth = new TokenAuthenticator(kv, config.requestTimeout());
        this.kubeletSecret = new KubeletClientSecret(api, storage, config.requestTimeout());
        PodStreamGrpcService streams =
                new PodStreamGrpcService(storage, kubeletSecret, kubeletChannels, registry, config.requestTimeout());
        InetSocketAddress address = parse(listen);
        this.server = NettyServerBuilder.forAddress(address, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, auth))
                .addService(ServerInterceptors.intercept(streams, auth))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        Gauge.builder("capstan.api.watchers", caches, c -> sum(c, WatchCache::watcherCount))
                .description("Open watch streams")
                .register(registry);
        Gauge.builder("capstan.api.watch.cache.events", caches, c -> sum(c, WatchCache::windowSize))
                .description("Events held in the watch caches' windows")
                .register(registry);
    }

    /** The namespace as this server's cache has it, if the cache answers at once. */
    private Optional<Namespace> cachedNamespace(String name) {
        try {
            return caches.cache(ObjectKind.NAMESPACE)
                    .get("", name)
                    .getNow(Optional.empty())
                    .map(TypedObject::getNamespace);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The object as this server's cache has it, if the cache answers at once. */
    private Optional<TypedObject> cachedObject(ObjectKind kind, String namespace, String name) {
        try {
            return caches.cache(kind).get(namespace, name).getNow(Optional.empty());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public ObjectApiServer start() throws IOException {
        if (config.bootstrapNamespaces()) {
            whenTheStoreAnswers(() -> {
                Namespaces.ensureSystemNamespaces(api);
                // the token kubelets accept; made once per cluster (see KubeletClientSecret)
                kubeletSecret.ensure();
            });
        }
        // Every kind's cache starts now, so its window reaches back to this server's start: a watch
        // resumed here from another server's resourceVersion finds its events.
        caches.startAll();
        server.start();
        if (!config.compactionInterval().isZero()) {
            compactor = new Compactor(kv, config.compactionInterval(), config.requestTimeout()).start();
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus("capstan.api.v1.ObjectService", ServingStatus.SERVING);
        health.setStatus("capstan.api.v1.PodStreamService", ServingStatus.SERVING);
        return this;
    }

    /**
     * Runs {@code bootstrap}, and again while the store has no leader (a server started together
     * with its peers, or just after one of them, while they elect one), for up to a minute.
     */
    private static void whenTheStoreAnswers(Runnable bootstrap) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long pauseMillis = 100;
        while (true) {
            try {
                bootstrap.run();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the store to elect a leader", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 1000);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** The revision this server's compactor last compacted to; 0 if none. */
    public long compactedRevision() {
        Compactor c = compactor;
        return c == null ? 0 : c.compactedRevision();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Watch streams open on this server, over all kinds. */
    public int watcherCount() {
        return (int) sum(caches, WatchCache::watcherCount);
    }

    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kubeletChannels.close();
        if (compactor != null) {
            compactor.close();
        }
        caches.close();
        kv.close();
    }

    private static double sum(WatchCaches caches, java.util.function.ToIntFunction<WatchCache> getter) {
        return caches.caches().values().stream().mapToInt(getter).sum();
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen-api: expected host:port, got \"" + hostPort + "\"");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
