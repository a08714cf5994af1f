package io.capstan.apiserver.server;

import com.google.common.base.Splitter;
import io.capstan.api.flags.Durations;
import io.capstan.apiserver.auth.TokenAuthenticator;
import io.capstan.apiserver.service.ApiConfig;
import io.capstan.apiserver.service.ObjectApiServer;
import io.capstan.apiserver.storage.EmbeddedKvStore;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.RemoteKvStore;
import io.capstan.store.StoreConfig;
import io.capstan.store.StoreMain;
import io.capstan.store.StoreServer;
import io.capstan.store.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code capstan server}: one control-plane node, a store peer and the object API in one JVM. The
 * API reaches the store through the etcd-shaped {@link KvStore}: the peer in this JVM by default,
 * or any etcd v3 endpoints with {@code --etcd-endpoints} (then no peer runs here).
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Runs a control-plane node: a store peer and the object API server.")
public final class ServerMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);
    private static final Duration STARTUP_DEADLINE = Duration.ofMinutes(3);

    @Mixin
    StoreMain store = new StoreMain();

    @Option(
            names = "--listen-api",
            defaultValue = "127.0.0.1:6443",
            description = "host:port of the object API (default: ${DEFAULT-VALUE}).")
    String listenApi = "";

    @Option(
            names = "--etcd-endpoints",
            description = "Comma-separated host:port of etcd v3 endpoints to use instead of a store peer in this JVM.")
    String etcdEndpoints = "";

    @Option(
            names = "--service-cidr",
            defaultValue = "127.77.0.0/16",
            description = "Where ClusterIPs come from (default: ${DEFAULT-VALUE}).")
    String serviceCidr = "";

    @Option(
            names = "--node-port-range",
            defaultValue = "30000-32767",
            description = "Where NodePorts come from (default: ${DEFAULT-VALUE}).")
    String nodePortRange = "";

    @Option(
            names = "--compaction-interval",
            defaultValue = "5m",
            description =
                    "How often the store's history is compacted, keeping that much (default: ${DEFAULT-VALUE}; 0 for never).")
    String compactionInterval = "";

    @Option(
            names = "--event-ttl",
            defaultValue = "1h",
            description = "How long an Event lives after its last write (default: ${DEFAULT-VALUE}).")
    String eventTtl = "";

    @Option(
            names = "--token",
            description = "An admin token to accept (at least 16 characters). Without it, the first server "
                    + "of a new cluster mints one and writes it to --client-config.")
    String token = "";

    @Option(
            names = "--client-config",
            description = "Where the server that mints the admin token writes the client config "
                    + "(default: $CAPSTAN_CONFIG, else ~/.capstan/config).")
    String clientConfig = "";

    @Option(
            names = "--api-endpoints",
            description = "Comma-separated host:port of every API server, for the client config (default: this one; "
                    + "127.0.0.1 when --listen-api binds every address).")
    String apiEndpoints = "";

    @Option(
            names = "--store-endpoints",
            description = "Comma-separated host:port of every store client port, for the client config's"
                    + " storeEndpoints ('capstan store ...'; default: --etcd-endpoints, else this peer's).")
    String storeEndpoints = "";

    @Override
    public Integer call() throws Exception {
        Running running = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            running.close();
                            stopped.countDown();
                        },
                        "server-shutdown"));
        stopped.await();
        return 0;
    }

    /** A started node: its API server, and the store peer and metrics server it runs, if any. */
    public record Running(
            ObjectApiServer api,
            @Nullable StoreServer peer,
            @Nullable OpsServer ops) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
            if (ops != null) {
                ops.close();
            }
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** Starts the node and returns once its API serves. */
    public Running start() throws Exception {
        ApiConfig config = ApiConfig.defaults()
                .withServiceCidr(serviceCidr)
                .withNodePorts(nodePortRange)
                .withCompactionInterval(Durations.parse("--compaction-interval", compactionInterval))
                .withEventTtl(Durations.parse("--event-ttl", eventTtl))
                .withReservedPorts(reservedPorts());
        Duration timeout = config.requestTimeout();

        StoreServer peer = null;
        PrometheusMeterRegistry registry;
        KvStore kv;
        OpsServer ops = null;
        if (etcdEndpoints.isBlank()) {
            StoreConfig storeConfig = store.config();
            if (store.restoreFrom().isPresent()) {
                StoreServer.restore(storeConfig, store.restoreFrom().get());
            }
            peer = new StoreServer(storeConfig).start();
            registry = peer.registry();
            kv = new EmbeddedKvStore(peer.store(), peer.clientAddress(), timeout);
        } else {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            kv = new RemoteKvStore(
                    Splitter.on(',').trimResults().omitEmptyStrings().splitToList(etcdEndpoints), timeout);
            String metrics = store.config().opsAddress();
            if (metrics != null) {
                ops = new OpsServer(parseAddress(metrics), registry, () -> null, () -> null);
            }
        }

        // A new cluster may take a while to elect its store leader (peers starting one by one, a
        // loaded machine): the first store requests are retried until the deadline, not given up.
        long deadline = System.nanoTime() + STARTUP_DEADLINE.toNanos();
        Optional<String> minted = Optional.empty();
        boolean bootstrapped = false;
        // one candidate for every attempt: a mint that timed out may have been committed all the same
        String candidate = TokenAuthenticator.newToken();
        // start() creates the namespaces that always exist before it serves: nothing to undo if that fails.
        ObjectApiServer api = new ObjectApiServer(kv, config, registry, listenApi);
        while (true) {
            try {
                if (!bootstrapped) {
                    minted = TokenAuthenticator.bootstrap(
                            kv, token.isBlank() ? Optional.empty() : Optional.of(token), candidate, timeout);
                    bootstrapped = true;
                }
                api.start();
                break;
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("the store is not serving yet ({}); trying again", e.toString());
                Thread.sleep(1000);
            }
        }
        String served = clientHost(listenApi) + ":" + api.port();
        log.info("object API serving on {}", served);
        if (minted.isPresent() && token.isBlank()) {
            String storeServed = peer != null ? peer.clientAddress() : etcdEndpoints;
            Path path = writeClientConfig(minted.get(), served, storeServed);
            log.info("minted the cluster's admin token; client config written to {}", path);
        }
        return new Running(api, peer, ops);
    }

    /**
     * The host a client on this machine dials for the API listening at {@code hostPort}: 127.0.0.1 when
     * it binds every address (other hosts need --api-endpoints then).
     */
    static String clientHost(String hostPort) {
        String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
        return StoreMain.isWildcard(host) ? "127.0.0.1" : host;
    }

    /** The control plane's own ports are never handed out as NodePorts. */
    private java.util.Set<Integer> reservedPorts() {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (String address : List.of(listenApi, store.listenClient())) {
            int colon = address.lastIndexOf(':');
            if (colon > 0) {
                ports.add(Integer.parseInt(address.substring(colon + 1)));
            }
        }
        return ports;
    }

    private Path writeClientConfig(String adminToken, String served, String storeServed) throws IOException {
        Path path = clientConfigPath();
        Files.createDirectories(path.toAbsolutePath().getParent());
        StringBuilder yaml =
                new StringBuilder("# Written by the capstan server that minted this cluster's admin token.\n");
        yaml.append("endpoints:\n");
        for (String endpoint : Splitter.on(',')
                .trimResults()
                .omitEmptyStrings()
                .split(apiEndpoints.isBlank() ? served : apiEndpoints)) {
            yaml.append("  - ").append(endpoint).append('\n');
        }
        yaml.append("token: ").append(adminToken).append('\n');
        // read by 'capstan store ...'; readers that predate it ignore the field
        List<String> stores = Splitter.on(',')
                .trimResults()
                .omitEmptyStrings()
                .splitToList(storeEndpoints.isBlank() ? storeServed : storeEndpoints);
        if (!stores.isEmpty()) {
            yaml.append("storeEndpoints:\n");
            for (String endpoint : stores) {
                yaml.append("  - ").append(endpoint).append('\n');
            }
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return path;
    }

    private Path clientConfigPath() {
        if (!clientConfig.isBlank()) {
            return Path.of(clientConfig);
        }
        String env = System.getenv("CAPSTAN_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".capstan", "config");
    }

    private static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }
}
