package io.capstan.store;

import io.capstan.store.kv.ReplicatedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything one store peer needs to start. Addresses are host:port; 127.0.0.1 is only the default
 * of the command line, never assumed here.
 *
 * @param name member name (etcd's --name)
 * @param dataDir where this peer keeps its Raft log and snapshots
 * @param clientAddress where the etcd v3 gRPC API listens (port 0 picks a free port)
 * @param peerAddress where the Raft peer listens; also where the other peers reach it unless
 *     {@code advertisePeerAddress} is set
 * @param initialCluster member name to peer URL of the first configuration, this peer included
 * @param joinExisting start as a member added to a running cluster (etcd's --initial-cluster-state existing)
 * @param clusterToken names the cluster (etcd's --initial-cluster-token)
 * @param opsAddress where /metrics, /healthz and /readyz are served, or null for none
 * @param quotaBytes the backend quota; writes beyond it raise the NOSPACE alarm
 * @param logSegmentBytes Raft log segment size; the log is purged behind snapshots a whole segment at a time
 * @param advertisePeerAddress where the other peers reach this one (etcd's
 *     --initial-advertise-peer-urls), or null for {@code peerAddress}; it names the member, so it
 *     must be the address {@code initialCluster} gives for this peer
 * @param advertiseClientAddress the client address published in the member list (etcd's
 *     --advertise-client-urls), where the other peers forward lease keep-alives to a leader, or
 *     null for the address bound
 */
public record StoreConfig(
        String name,
        Path dataDir,
        String clientAddress,
        String peerAddress,
        Map<String, String> initialCluster,
        boolean joinExisting,
        String clusterToken,
        @Nullable String opsAddress,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        long snapshotThreshold,
        Duration requestTimeout,
        long quotaBytes,
        int maxRequestBytes,
        int maxTxnOps,
        Duration watchProgressInterval,
        Duration leaseMinTtl,
        Duration leaseCheckInterval,
        long logSegmentBytes,
        @Nullable String advertisePeerAddress,
        @Nullable String advertiseClientAddress) {

    public static final String DEFAULT_CLUSTER_TOKEN = "capstan-store";
    public static final long DEFAULT_QUOTA_BYTES = 2L * 1024 * 1024 * 1024;

    public StoreConfig {
        initialCluster = new LinkedHashMap<>(initialCluster);
    }

    /** A peer with etcd's and Capstan's defaults; the remaining settings change through the with-methods. */
    public static StoreConfig of(
            String name, Path dataDir, String clientAddress, String peerAddress, Map<String, String> initialCluster) {
        return new StoreConfig(
                name,
                dataDir,
                clientAddress,
                peerAddress,
                initialCluster,
                false,
                DEFAULT_CLUSTER_TOKEN,
                null,
                Duration.ofMillis(1000),
                Duration.ofMillis(2000),
                10_000,
                Duration.ofSeconds(5),
                DEFAULT_QUOTA_BYTES,
                ReplicatedStore.DEFAULT_MAX_REQUEST_BYTES,
                ReplicatedStore.DEFAULT_MAX_TXN_OPS,
                Duration.ofMinutes(10),
                Duration.ofSeconds(3),
                Duration.ofMillis(500),
                8L * 1024 * 1024,
                null,
                null);
    }

    /** Where the other peers reach this one: the advertised peer address, else the one listened on. */
    public String advertisedPeerAddress() {
        return advertisePeerAddress != null ? advertisePeerAddress : peerAddress;
    }

    public StoreConfig withAdvertisePeerAddress(@Nullable String address) {
        return change(b -> b.advertisePeerAddress = address);
    }

    public StoreConfig withAdvertiseClientAddress(@Nullable String address) {
        return change(b -> b.advertiseClientAddress = address);
    }

    public StoreConfig withJoinExisting(boolean join) {
        return change(b -> b.joinExisting = join);
    }

    public StoreConfig withClusterToken(String token) {
        return change(b -> b.clusterToken = token);
    }

    public StoreConfig withOpsAddress(@Nullable String address) {
        return change(b -> b.opsAddress = address);
    }

    public StoreConfig withElectionTimeout(Duration min, Duration max) {
        return change(b -> {
            b.electionTimeoutMin = min;
            b.electionTimeoutMax = max;
        });
    }

    public StoreConfig withSnapshotThreshold(long entries) {
        return change(b -> b.snapshotThreshold = entries);
    }

    public StoreConfig withQuotaBytes(long bytes) {
        return change(b -> b.quotaBytes = bytes);
    }

    public StoreConfig withWatchProgressInterval(Duration interval) {
        return change(b -> b.watchProgressInterval = interval);
    }

    public StoreConfig withLeaseTiming(Duration minTtl, Duration checkInterval) {
        return change(b -> {
            b.leaseMinTtl = minTtl;
            b.leaseCheckInterval = checkInterval;
        });
    }

    public StoreConfig withLogSegmentBytes(long bytes) {
        return change(b -> b.logSegmentBytes = bytes);
    }

    private StoreConfig change(java.util.function.Consumer<Copy> edit) {
        Copy copy = new Copy(this);
        edit.accept(copy);
        return copy.build();
    }

    /** A mutable copy, so each with-method names only what it changes. */
    private static final class Copy {
        String name;
        Path dataDir;
        String clientAddress;
        String peerAddress;
        Map<String, String> initialCluster;
        boolean joinExisting;
        String clusterToken;

        @Nullable
        String opsAddress;

        Duration electionTimeoutMin;
        Duration electionTimeoutMax;
        long snapshotThreshold;
        Duration requestTimeout;
        long quotaBytes;
        int maxRequestBytes;
        int maxTxnOps;
        Duration watchProgressInterval;
        Duration leaseMinTtl;
        Duration leaseCheckInterval;
        long logSegmentBytes;

        @Nullable
        String advertisePeerAddress;

        @Nullable
        String advertiseClientAddress;

        Copy(StoreConfig c) {
            name = c.name();
            dataDir = c.dataDir();
            clientAddress = c.clientAddress();
            peerAddress = c.peerAddress();
            initialCluster = c.initialCluster();
            joinExisting = c.joinExisting();
            clusterToken = c.clusterToken();
            opsAddress = c.opsAddress();
            electionTimeoutMin = c.electionTimeoutMin();
            electionTimeoutMax = c.electionTimeoutMax();
            snapshotThreshold = c.snapshotThreshold();
            requestTimeout = c.requestTimeout();
            quotaBytes = c.quotaBytes();
            maxRequestBytes = c.maxRequestBytes();
            maxTxnOps = c.maxTxnOps();
            watchProgressInterval = c.watchProgressInterval();
            leaseMinTtl = c.leaseMinTtl();
            leaseCheckInterval = c.leaseCheckInterval();
            logSegmentBytes = c.logSegmentBytes();
            advertisePeerAddress = c.advertisePeerAddress();
            advertiseClientAddress = c.advertiseClientAddress();
        }

        StoreConfig build() {
            return new StoreConfig(
                    name,
                    dataDir,
                    clientAddress,
                    peerAddress,
                    initialCluster,
                    joinExisting,
                    clusterToken,
                    opsAddress,
                    electionTimeoutMin,
                    electionTimeoutMax,
                    snapshotThreshold,
                    requestTimeout,
                    quotaBytes,
                    maxRequestBytes,
                    maxTxnOps,
                    watchProgressInterval,
                    leaseMinTtl,
                    leaseCheckInterval,
                    logSegmentBytes,
                    advertisePeerAddress,
                    advertiseClientAddress);
        }
    }
}
