package io.capstan.store;

import io.capstan.proto.etcd.LeaseRevokeRequest;
import io.capstan.proto.etcd.Member;
import io.capstan.proto.store.v1.SnapshotHeader;
import io.capstan.store.kv.Membership;
import io.capstan.store.kv.ReplicatedStore;
import io.capstan.store.lease.Lessor;
import io.capstan.store.ops.OpsServer;
import io.capstan.store.raft.MemberIds;
import io.capstan.store.raft.RaftNode;
import io.capstan.store.raft.RaftSettings;
import io.capstan.store.raft.SnapshotFiles;
import io.capstan.store.raft.SnapshotSeed;
import io.capstan.store.rpc.ClusterService;
import io.capstan.store.rpc.KvService;
import io.capstan.store.rpc.LeaderChannels;
import io.capstan.store.rpc.LeaseService;
import io.capstan.store.rpc.MaintenanceService;
import io.capstan.store.rpc.RequestMetrics;
import io.capstan.store.rpc.WatchService;
import io.capstan.store.watch.WatchHub;
import io.capstan.store.watch.WatchHubConfig;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store peer: a Ratis peer of the replicated MVCC store and the etcd v3 gRPC services over it,
 * plus the ops HTTP port. The composition root of the {@code store} module.
 */
public final class StoreServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreServer.class);
    private static final com.google.protobuf.ByteString ALL_KEYS =
            com.google.protobuf.ByteString.copyFrom(new byte[] {0});

    private final StoreConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService scheduler;
    private final ExecutorService blocking;
    private final ReplicaState state;
    private final WatchHub hub;
    private final RaftNode node;
    private final ReplicatedStore store;
    private final Membership membership;
    private final LeaderChannels leaderChannels;
    private final Server grpc;
    private final HealthStatusManager health = new HealthStatusManager();
    private @Nullable OpsServer ops;
    private volatile boolean published;

    public StoreServer(StoreConfig config) throws IOException {
        this.config = config;
        String peer = config.name();
        registry.config().commonTags("peer", peer);
        this.scheduler = Executors.newScheduledThreadPool(2, daemon("store-" + peer + "-timer"));
        this.blocking = Executors.newCachedThreadPool(daemon("store-" + peer + "-blocking"));
        Lessor.Config lessorConfig =
                new Lessor.Config(config.leaseMinTtl(), config.leaseCheckInterval(), config.leaseMinTtl());
        this.state = new ReplicaState(InstantSource.system(), scheduler, lessorConfig, blocking);
        this.hub = new WatchHub(
                peer, state, WatchHubConfig.defaults().withProgressInterval(config.watchProgressInterval()));

        Map<Long, String> initialPeers = new LinkedHashMap<>();
        for (String peerUrl : config.initialCluster().values()) {
            initialPeers.put(MemberIds.memberId(config.clusterToken(), peerUrl), MemberIds.peerAddress(peerUrl));
        }
        RaftSettings settings = new RaftSettings(
                peer,
                config.advertisedPeerAddress(),
                config.dataDir(),
                config.clusterToken(),
                initialPeers,
                config.joinExisting(),
                config.electionTimeoutMin(),
                config.electionTimeoutMax(),
                config.snapshotThreshold(),
                config.requestTimeout(),
                // Log entries in flight per peer. Few entries of many commands beat many small ones: each
                // entry costs a fixed ~30-40 ms round through Ratis here, so one entry at a time, carrying
                // every command that queued meanwhile, gave the most throughput (put at 256 in flight:
                // 8 -> 2 entries about +80%, 2 -> 1 another +40%, p99 down 25%; see docs/benchmarks.md).
                1,
                4 * 1024 * 1024,
                config.logSegmentBytes(),
                config.peerAddress());
        this.node = new RaftNode(settings, state, state, registry);
        this.store = new ReplicatedStore(
                node,
                state,
                MemberIds.clusterId(config.clusterToken()),
                config.maxRequestBytes(),
                config.maxTxnOps(),
                config.quotaBytes());
        state.attach(
                hub,
                leaseId -> store.leaseRevoke(
                        LeaseRevokeRequest.newBuilder().setID(leaseId).build()),
                restored -> {
                    log.info("{}: state restored from a snapshot at revision {}", peer, restored.revision());
                    // the snapshot jumped over revisions the hub never heard of; its watchers replay them
                    hub.resync(restored.revision());
                });
        this.membership = new Membership(node, state, store, config.clusterToken(), blocking);
        this.leaderChannels = new LeaderChannels(this::leaderClientAddress);

        int colon = config.clientAddress().lastIndexOf(':');
        InetSocketAddress clientBind = new InetSocketAddress(
                config.clientAddress().substring(0, colon),
                Integer.parseInt(config.clientAddress().substring(colon + 1)));
        this.grpc = NettyServerBuilder.forAddress(clientBind)
                // etcd accepts requests up to its limit plus gRPC framing overhead, then answers
                // "request is too large" itself rather than letting gRPC reset the stream.
                .maxInboundMessageSize(config.maxRequestBytes() + 512 * 1024)
                .permitKeepAliveTime(1, TimeUnit.SECONDS) // etcdctl pings every 2 s by default
                .permitKeepAliveWithoutCalls(true)
                .addService(new KvService(store))
                .addService(new WatchService(store, hub))
                .addService(new LeaseService(store, leaderChannels))
                .addService(new ClusterService(membership))
                .addService(new MaintenanceService(store, node, state, blocking))
                .addService(health.getHealthService())
                .intercept(new RequestMetrics(registry))
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        registerMeters();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void registerMeters() {
        Gauge.builder("capstan.store.db.size", state, ReplicaState::sizeBytes)
                .baseUnit("bytes")
                .description("Accounted size of the store's state, checked against the quota")
                .register(registry);
        Gauge.builder("capstan.store.revision", state, ReplicaState::revision).register(registry);
        Gauge.builder(
                        "capstan.store.keys",
                        state,
                        s -> s.applier()
                                .mvcc()
                                .read(0)
                                .range(ALL_KEYS, ALL_KEYS)
                                .size())
                .description("Live keys at the current revision")
                .register(registry);
        Gauge.builder("capstan.store.watchers", hub, h -> h.counts().watchers()).register(registry);
        Gauge.builder(
                        "capstan.store.watchers.slow",
                        hub,
                        h -> h.counts().victims() + h.counts().unsynced())
                .description("Watchers catching up from history (etcd's slow watchers)")
                .register(registry);
        Gauge.builder("capstan.store.has.leader", node, n -> n.status().leaderMemberId() != 0 ? 1 : 0)
                .register(registry);
        Gauge.builder("capstan.store.is.leader", node, n -> n.status().isLeader() ? 1 : 0)
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
    }

    public StoreServer start() throws IOException {
        node.start();
        grpc.start();
        health.setStatus("", ServingStatus.SERVING);
        String opsAddress = config.opsAddress();
        if (opsAddress != null) {
            int colon = opsAddress.lastIndexOf(':');
            ops = new OpsServer(
                    new InetSocketAddress(
                            opsAddress.substring(0, colon), Integer.parseInt(opsAddress.substring(colon + 1))),
                    registry,
                    this::healthProblem,
                    this::readinessProblem);
        }
        scheduler.scheduleWithFixedDelay(this::housekeeping, 200, 1000, TimeUnit.MILLISECONDS);
        log.info(
                "{}: store peer {} serving etcd v3 on {} (peer {}, data {})",
                config.name(),
                Long.toHexString(node.memberId()),
                clientAddress(),
                config.advertisedPeerAddress(),
                config.dataDir());
        return this;
    }

    /** Publishes this member once, and on the leader adds started members to the Raft group. */
    private void housekeeping() {
        try {
            if (!published && node.status().leaderMemberId() != 0) {
                published = true;
                membership
                        .publish(
                                config.name(),
                                List.of("http://" + config.advertisedPeerAddress()),
                                List.of("http://" + advertisedClientAddress()))
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                published = false;
                            }
                        });
            }
            membership.reconcile();
        } catch (RuntimeException e) {
            log.warn("{}: housekeeping failed, will retry", config.name(), e);
        }
    }

    private @Nullable String leaderClientAddress() {
        long leader = node.status().leaderMemberId();
        if (leader == 0 || leader == node.memberId()) {
            return null;
        }
        for (Member member : state.members()) {
            if (member.getID() == leader && member.getClientURLsCount() > 0) {
                String url = member.getClientURLs(0);
                return url.contains("://") ? url.substring(url.indexOf("://") + 3) : url;
            }
        }
        return null;
    }

    private @Nullable String healthProblem() {
        return node.status().leaderMemberId() == 0 ? "no leader" : null;
    }

    private @Nullable String readinessProblem() {
        RaftNode.Status status = node.status();
        if (status.leaderMemberId() == 0) {
            return "no leader";
        }
        if (!published) {
            return "member not yet published";
        }
        return null;
    }

    /**
     * Disaster recovery, as etcd's {@code snapshot restore}: builds a new single-peer cluster in an
     * empty data directory whose state is the given snapshot (as streamed by Maintenance.Snapshot
     * or written by a peer). Membership and alarms of the old cluster are dropped; keys, revisions,
     * history since the snapshot's compaction, and leases are kept. Afterwards start the peer
     * normally; it can grow back to three with member add.
     */
    public static void restore(StoreConfig config, Path snapshotFile) throws IOException {
        if (Files.isDirectory(config.dataDir())) {
            try (var entries = Files.list(config.dataDir())) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("restore needs an empty data directory, " + config.dataDir() + " is not");
                }
            }
        }
        if (config.initialCluster().size() != 1) {
            throw new IOException("restore builds a single-peer cluster; --initial-cluster names "
                    + config.initialCluster().size() + " members");
        }
        SnapshotHeader header;
        try (SnapshotFiles.Reader reader = SnapshotFiles.Reader.open(snapshotFile)) {
            header = reader.header();
            long records = 0;
            for (var it = reader.records(); it.hasNext(); it.next()) {
                records++;
            }
            log.info(
                    "restoring snapshot {}: revision {}, compact revision {}, {} records",
                    snapshotFile,
                    header.getRevision(),
                    header.getCompactRevision(),
                    records);
        } catch (IllegalStateException e) {
            throw new IOException("snapshot " + snapshotFile + " is damaged: " + e.getMessage(), e);
        }
        long[] position;
        Path stateMachineDir;
        try (StoreServer first = new StoreServer(config)) {
            first.node.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // Wait until the new leader's own first entry is committed and applied: the snapshot
            // then takes the place of everything in the log.
            while (!(first.node.status().isLeader()
                    && first.node.status().commitIndex() >= 0
                    && first.node.lastAppliedTermIndex()[1]
                            >= first.node.status().commitIndex()
                    && first.node.lastAppliedTermIndex()[0]
                            == first.node.status().term())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the new single-peer group elected no leader within 30 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            position = first.node.lastAppliedTermIndex();
            stateMachineDir = first.node.stateMachineDir();
        }
        SnapshotHeader seeded = header.toBuilder().clearMembers().clearAlarms().build();
        try (SnapshotFiles.Reader reader = SnapshotFiles.Reader.open(snapshotFile)) {
            Path placed = SnapshotSeed.seed(stateMachineDir, position[0], position[1], seeded, reader.records());
            log.info("restored snapshot placed at {}", placed);
        }
    }

    /** host:port of the etcd v3 API as bound (the real port when 0 was asked for). */
    public String clientAddress() {
        InetSocketAddress bound = (InetSocketAddress) grpc.getListenSockets().get(0);
        return bound.getHostString() + ":" + bound.getPort();
    }

    /** host:port the other peers are told to use for this peer's etcd v3 API. */
    public String advertisedClientAddress() {
        String advertised = config.advertiseClientAddress();
        return advertised != null ? advertised : clientAddress();
    }

    public @Nullable InetSocketAddress opsAddress() {
        OpsServer server = ops;
        return server == null ? null : server.address();
    }

    public String name() {
        return config.name();
    }

    public long memberId() {
        return node.memberId();
    }

    public RaftNode raft() {
        return node;
    }

    public ReplicatedStore store() {
        return store;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public long revision() {
        return state.revision();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        OpsServer server = ops;
        if (server != null) {
            server.close();
        }
        grpc.shutdownNow();
        try {
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leaderChannels.close();
        try {
            node.close();
        } catch (IOException e) {
            log.warn("{}: closing the Raft peer failed", config.name(), e);
        }
        hub.close();
        state.close();
        scheduler.shutdownNow();
        blocking.shutdownNow();
        log.info("{}: store peer stopped", config.name());
    }
}
