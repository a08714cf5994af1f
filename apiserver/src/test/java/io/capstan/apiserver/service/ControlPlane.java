package io.capstan.apiserver.service;

import io.capstan.apiserver.auth.TokenAuthenticator;
import io.capstan.apiserver.storage.EmbeddedKvStore;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.RemoteKvStore;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.capstan.store.StoreCluster;
import io.capstan.store.StoreServer;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An in-process control plane for tests: a store cluster of {@code n} peers and one API server
 * over each peer's embedded store, on ephemeral loopback ports, all accepting {@link #TOKEN}. Or,
 * with {@link #startOnEtcd}, {@code n} API servers over one real etcd server.
 */
public final class ControlPlane implements AutoCloseable {
    public static final String TOKEN = "test-admin-token-0123456789";

    private final @Nullable StoreCluster store;
    private final @Nullable EtcdProcess etcd;
    private final UnaryOperator<ApiConfig> tune;
    private final List<@Nullable ObjectApiServer> servers = new ArrayList<>();
    private final List<@Nullable ManagedChannel> channels = new ArrayList<>();

    private ControlPlane(@Nullable StoreCluster store, @Nullable EtcdProcess etcd, UnaryOperator<ApiConfig> tune) {
        this.store = store;
        this.etcd = etcd;
        this.tune = tune;
    }

    public static ControlPlane start(int size, Path root) throws Exception {
        return start(size, root, c -> c);
    }

    public static ControlPlane start(int size, Path root, UnaryOperator<ApiConfig> tune) throws Exception {
        StoreCluster store = StoreCluster.start(size, root);
        store.awaitLeader();
        return startServers(new ControlPlane(store, null, tune), size);
    }

    /** {@code size} API servers over a real etcd started from {@code etcdBinary}. */
    public static ControlPlane startOnEtcd(Path etcdBinary, int size, Path root, UnaryOperator<ApiConfig> tune)
            throws Exception {
        EtcdProcess etcd = EtcdProcess.start(etcdBinary, root.resolve("etcd"));
        return startServers(new ControlPlane(null, etcd, tune), size);
    }

    private static ControlPlane startServers(ControlPlane plane, int size) throws Exception {
        try {
            for (int i = 0; i < size; i++) {
                plane.servers.add(null);
                plane.channels.add(null);
                plane.startApi(i);
            }
        } catch (Exception e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    private void startApi(int index) throws Exception {
        KvStore kv;
        if (etcd != null) {
            kv = new RemoteKvStore(List.of(etcd.clientAddress()), Duration.ofSeconds(10));
        } else {
            StoreServer peer = store().peer(index);
            kv = new EmbeddedKvStore(peer.store(), peer.clientAddress(), Duration.ofSeconds(10));
        }
        TokenAuthenticator.bootstrap(kv, Optional.of(TOKEN), Duration.ofSeconds(30));
        ObjectApiServer server = new ObjectApiServer(
                        kv,
                        tune.apply(ApiConfig.defaults()),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        "127.0.0.1:0")
                .start();
        servers.set(index, server);
        channels.set(
                index,
                Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
                        .build());
    }

    public int size() {
        return servers.size();
    }

    /** The store cluster; not for a control plane over etcd. */
    public StoreCluster store() {
        if (store == null) {
            throw new IllegalStateException("this control plane runs over etcd");
        }
        return store;
    }

    public ObjectApiServer server(int index) {
        ObjectApiServer server = servers.get(index);
        if (server == null) {
            throw new IllegalStateException("API server " + index + " is stopped");
        }
        return server;
    }

    public String apiAddress(int index) {
        return "127.0.0.1:" + server(index).port();
    }

    public ManagedChannel channel(int index) {
        ManagedChannel channel = channels.get(index);
        if (channel == null) {
            throw new IllegalStateException("API server " + index + " is stopped");
        }
        return channel;
    }

    /** A blocking stub on server {@code index} carrying the admin token. */
    public ObjectServiceGrpc.ObjectServiceBlockingStub blocking(int index) {
        // A deadline per call, not one for the stub's lifetime: tests keep a stub for many calls.
        return ObjectServiceGrpc.newBlockingStub(channel(index))
                .withCallCredentials(bearer(TOKEN))
                .withInterceptors(new ClientInterceptor() {
                    @Override
                    public <Q, R> ClientCall<Q, R> interceptCall(
                            MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                        return next.newCall(method, options.withDeadlineAfter(30, TimeUnit.SECONDS));
                    }
                });
    }

    /** An async stub on server {@code index} carrying the admin token (no deadline: watches live long). */
    public ObjectServiceGrpc.ObjectServiceStub async(int index) {
        return ObjectServiceGrpc.newStub(channel(index)).withCallCredentials(bearer(TOKEN));
    }

    /** Stops API server {@code index} and its store peer, as a crashed control-plane node. */
    public void kill(int index) {
        ManagedChannel channel = channels.set(index, null);
        if (channel != null) {
            channel.shutdownNow();
        }
        ObjectApiServer server = servers.set(index, null);
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.kill(index);
        }
    }

    /** Restarts a killed node: its store peer, then its API server. */
    public void restart(int index) throws Exception {
        if (store != null) {
            store.restart(index);
        }
        startApi(index);
    }

    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    @Override
    public void close() {
        for (int i = 0; i < servers.size(); i++) {
            ManagedChannel channel = channels.get(i);
            if (channel != null) {
                channel.shutdownNow();
            }
            ObjectApiServer server = servers.get(i);
            if (server != null) {
                server.close();
            }
        }
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }
}
