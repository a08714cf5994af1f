package io.capstan.store;

import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * N store peers in this JVM on ephemeral 127.0.0.1 ports, on the real Ratis and gRPC wiring.
 * {@link #close()} stops everything, even after a failure.
 */
public final class StoreCluster implements AutoCloseable {
    private final Path root;
    private final List<StoreConfig> configs = new ArrayList<>();
    private final List<@Nullable StoreServer> servers = new ArrayList<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    private StoreCluster(Path root) {
        this.root = root;
    }

    public static StoreCluster start(int size, Path root) throws IOException {
        return start(size, root, UnaryOperator.identity());
    }

    /** Starts {@code size} peers; {@code tune} adjusts each peer's configuration (snapshot threshold, timings...). */
    public static StoreCluster start(int size, Path root, UnaryOperator<StoreConfig> tune) throws IOException {
        StoreCluster cluster = new StoreCluster(root);
        try {
            Map<String, String> initial = new LinkedHashMap<>();
            List<Integer> peerPorts = freePorts(size);
            for (int i = 0; i < size; i++) {
                initial.put("p" + (i + 1), "http://127.0.0.1:" + peerPorts.get(i));
            }
            for (int i = 0; i < size; i++) {
                String name = "p" + (i + 1);
                StoreConfig config = StoreConfig.of(
                                name, root.resolve(name), "127.0.0.1:0", "127.0.0.1:" + peerPorts.get(i), initial)
                        .withElectionTimeout(Duration.ofMillis(1000), Duration.ofMillis(2000))
                        .withLeaseTiming(Duration.ofSeconds(1), Duration.ofMillis(100))
                        .withOpsAddress("127.0.0.1:0");
                cluster.configs.add(tune.apply(config));
                cluster.servers.add(null);
            }
            for (int i = 0; i < size; i++) {
                cluster.restart(i);
            }
            cluster.awaitLeader();
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    public int size() {
        return servers.size();
    }

    public StoreServer peer(int index) {
        StoreServer server = servers.get(index);
        if (server == null) {
            throw new IllegalStateException("peer " + index + " is stopped");
        }
        return server;
    }

    public boolean isRunning(int index) {
        return servers.get(index) != null;
    }

    /** Index of the peer that is leader, waiting for one to be elected. */
    public int awaitLeader() {
        int[] found = {-1};
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (int i = 0; i < servers.size(); i++) {
                        StoreServer server = servers.get(i);
                        if (server != null && server.raft().status().isLeader()) {
                            found[0] = i;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    /** Stops a peer abruptly (its process would be killed): nothing is flushed beyond what Raft synced. */
    public void kill(int index) {
        StoreServer server = servers.get(index);
        if (server != null) {
            servers.set(index, null);
            ManagedChannel channel = channels.remove(server.clientAddress());
            if (channel != null) {
                channel.shutdownNow();
            }
            server.close();
        }
    }

    /** Starts a stopped peer again on its data directory (RECOVER), or for the first time. */
    public StoreServer restart(int index) throws IOException {
        if (servers.get(index) != null) {
            throw new IllegalStateException("peer " + index + " is running");
        }
        StoreServer server = new StoreServer(configs.get(index)).start();
        servers.set(index, server);
        return server;
    }

    public StoreConfig config(int index) {
        return configs.get(index);
    }

    public Path root() {
        return root;
    }

    /** A channel to one peer's etcd API, reused across calls. */
    public ManagedChannel channel(int index) {
        String address = peer(index).clientAddress();
        return channels.computeIfAbsent(
                address, a -> NettyChannelBuilder.forTarget(a).usePlaintext().build());
    }

    public KVGrpc.KVBlockingStub kv(int index) {
        return KVGrpc.newBlockingStub(channel(index)).withDeadlineAfter(java.time.Duration.ofSeconds(20));
    }

    public List<String> clientAddresses() {
        List<String> addresses = new ArrayList<>();
        for (StoreServer server : servers) {
            if (server != null) {
                addresses.add(server.clientAddress());
            }
        }
        return addresses;
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
        }
        channels.clear();
        RuntimeException failure = null;
        for (int i = 0; i < servers.size(); i++) {
            try {
                kill(i);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
