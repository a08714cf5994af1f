package io.capstan.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one store peer until it is stopped: {@code java -jar capstan-store.jar --name s1 ...}. */
@Command(
        name = "capstan-store",
        mixinStandardHelpOptions = true,
        description = "Runs one peer of Capstan's Raft-replicated store, serving the etcd v3 API.")
public final class StoreMain implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "Member name, unique in the cluster.")
    String name = "";

    @Option(names = "--data-dir", required = true, description = "Directory for the Raft log and snapshots.")
    Path dataDir = Path.of(".");

    @Option(
            names = "--listen-client",
            defaultValue = "127.0.0.1:2379",
            description = "host:port for the etcd v3 gRPC API (default: ${DEFAULT-VALUE}).")
    String listenClient = "";

    @Option(
            names = "--listen-peer",
            defaultValue = "127.0.0.1:2380",
            description =
                    "host:port this peer's Raft service listens on, and is reached at unless --advertise-peer says otherwise (default: ${DEFAULT-VALUE}).")
    String listenPeer = "";

    @Option(
            names = "--advertise-peer",
            description = "host:port the other peers reach this one at, as --initial-cluster names it; required when "
                    + "--listen-peer binds every address (0.0.0.0) (default: --listen-peer).")
    String advertisePeer = "";

    @Option(
            names = "--advertise-client",
            description =
                    "host:port of the etcd v3 API as the member list publishes it, where the other peers "
                            + "forward to a leader; required when --listen-client binds every address (default: --listen-client).")
    String advertiseClient = "";

    @Option(
            names = "--initial-cluster",
            description = "name=peerURL,... of the first configuration, this peer included (default: this peer alone).")
    String initialCluster = "";

    @Option(
            names = "--initial-cluster-state",
            defaultValue = "new",
            description = "new, or existing for a member added with 'member add' (default: ${DEFAULT-VALUE}).")
    String initialClusterState = "";

    @Option(
            names = "--initial-cluster-token",
            defaultValue = StoreConfig.DEFAULT_CLUSTER_TOKEN,
            description = "Names the cluster (default: ${DEFAULT-VALUE}).")
    String clusterToken = "";

    @Option(
            names = "--listen-metrics",
            description = "host:port serving /metrics, /healthz and /readyz (default: none).")
    String listenMetrics = "";

    @Option(
            names = "--quota-backend-bytes",
            defaultValue = "" + StoreConfig.DEFAULT_QUOTA_BYTES,
            description = "Size at which the NOSPACE alarm is raised (default: ${DEFAULT-VALUE}).")
    long quotaBytes;

    @Option(
            names = "--snapshot-count",
            defaultValue = "10000",
            description = "Applied log entries between snapshots (default: ${DEFAULT-VALUE}).")
    long snapshotCount;

    @Option(
            names = "--election-timeout-ms",
            defaultValue = "1000",
            description = "Minimum election timeout; the maximum is twice it (default: ${DEFAULT-VALUE}).")
    long electionTimeoutMs;

    @Option(
            names = "--restore-from",
            description = "Before starting, build a new single-peer cluster in the empty --data-dir from this "
                    + "snapshot file (etcdctl snapshot save writes one). Grow it back with member add.")
    Path restoreFrom = Path.of("");

    @Override
    public Integer call() throws Exception {
        StoreConfig config = config();
        if (restoreFrom().isPresent()) {
            StoreServer.restore(config, restoreFrom);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        StoreServer server = new StoreServer(config).start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "store-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The peer's configuration from these options; also used by processes that embed a peer
     * ({@code capstan server}) and take these options as a mixin.
     */
    public StoreConfig config() {
        Map<String, String> initial = parseInitialCluster();
        if (!initialClusterState.equals("new") && !initialClusterState.equals("existing")) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--initial-cluster-state: must be new or existing, got " + initialClusterState);
        }
        StoreConfig config = StoreConfig.of(name, dataDir, listenClient, listenPeer, initial)
                .withAdvertisePeerAddress(advertised("--advertise-peer", advertisePeer, "--listen-peer", listenPeer))
                .withAdvertiseClientAddress(
                        advertised("--advertise-client", advertiseClient, "--listen-client", listenClient))
                .withJoinExisting(initialClusterState.equals("existing"))
                .withClusterToken(clusterToken)
                .withOpsAddress(listenMetrics.isEmpty() ? null : listenMetrics)
                .withQuotaBytes(quotaBytes)
                .withSnapshotThreshold(snapshotCount)
                .withElectionTimeout(Duration.ofMillis(electionTimeoutMs), Duration.ofMillis(2 * electionTimeoutMs));
        return config;
    }

    /**
     * The advertised address given, or null to advertise the listen address; a listen address on
     * every interface cannot be advertised, so it needs one.
     */
    private @Nullable String advertised(String flag, String value, String listenFlag, String listen) {
        if (!value.isBlank()) {
            hostPort(flag, value);
            return value.trim();
        }
        if (isWildcard(hostPort(listenFlag, listen)[0])) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    flag + ": required when " + listenFlag + " binds every address (" + listen
                            + "): give the host:port other hosts reach");
        }
        return null;
    }

    private String[] hostPort(String flag, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1 || value.contains("://")) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), flag + ": expected host:port, got '" + value + "'");
        }
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }

    /** 0.0.0.0, :: and the like: an address that binds every interface and reaches none in particular. */
    public static boolean isWildcard(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equals("0.0.0.0") || bare.equals("::") || bare.equals("0:0:0:0:0:0:0:0") || bare.isEmpty();
    }

    /** The snapshot to restore from before starting, if one was given. */
    public Optional<Path> restoreFrom() {
        return restoreFrom.toString().isEmpty() ? Optional.empty() : Optional.of(restoreFrom);
    }

    /** The store client address (host:port). */
    public String listenClient() {
        return listenClient;
    }

    private Map<String, String> parseInitialCluster() {
        Map<String, String> initial = new LinkedHashMap<>();
        if (initialCluster.isBlank()) {
            initial.put(name, "http://" + (advertisePeer.isBlank() ? listenPeer : advertisePeer.trim()));
            return initial;
        }
        for (String entry : initialCluster.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--initial-cluster: expected name=peerURL, got '" + entry + "'");
            }
            initial.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return initial;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new StoreMain()).execute(args));
    }
}
