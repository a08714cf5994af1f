package io.capstan.controllers.manager;

import com.google.common.base.Splitter;
import io.capstan.api.flags.Durations;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.client.leaderelection.LeaderElectionConfig;
import io.capstan.controllers.nodelifecycle.NodeLifecycleConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan controller-manager}: the controllers, in one process, leader-elected on the Lease
 * {@code kube-system/capstan-controller-manager} so that several instances can run and exactly one
 * acts. Periods default to Kubernetes'; every one is a flag so that a local cluster or a test can run
 * in seconds.
 */
@Command(
        name = "controller-manager",
        mixinStandardHelpOptions = true,
        description = "Runs Capstan's controllers (scheduler, ReplicaSet, Deployment, node lifecycle, endpoints, "
                + "garbage collector, namespace), leader-elected.")
public final class ControllerManagerMain implements Callable<Integer> {
    static final String LEASE_NAMESPACE = "kube-system";
    static final String LEASE_NAME = "capstan-controller-manager";

    @Option(
            names = "--config",
            description = "Client config (default: $CAPSTAN_CONFIG, else ~/.capstan/config; none is read when"
                    + " --server and --token are both given).")
    String config = "";

    @Option(names = "--server", description = "Comma-separated API endpoints host:port; overrides the config.")
    String server = "";

    @Option(names = "--token", description = "Bearer token; overrides the config.")
    String token = "";

    @Option(
            names = "--identity",
            description = "This instance's name in the leader Lease (default: host name and a random suffix).")
    String identity = "";

    @Option(
            names = "--leader-elect",
            defaultValue = "true",
            negatable = true,
            description = "Elect a leader among instances (default: ${DEFAULT-VALUE}).")
    boolean leaderElect;

    @Option(names = "--leader-elect-lease-duration", defaultValue = "15s", description = "(default: ${DEFAULT-VALUE})")
    String leaseDuration = "";

    @Option(names = "--leader-elect-renew-deadline", defaultValue = "10s", description = "(default: ${DEFAULT-VALUE})")
    String renewDeadline = "";

    @Option(names = "--leader-elect-retry-period", defaultValue = "2s", description = "(default: ${DEFAULT-VALUE})")
    String retryPeriod = "";

    @Option(
            names = "--node-monitor-grace-period",
            defaultValue = "40s",
            description = "A node whose Lease was not renewed for this long is Unknown (default: ${DEFAULT-VALUE}).")
    String nodeGrace = "";

    @Option(
            names = "--node-monitor-period",
            defaultValue = "5s",
            description = "How often nodes are checked (default: ${DEFAULT-VALUE}).")
    String nodeMonitorPeriod = "";

    @Option(
            names = "--default-toleration-seconds",
            defaultValue = "300s",
            description =
                    "How long pods stay on a not-ready or unreachable node without a toleration of their own (default: ${DEFAULT-VALUE}).")
    String defaultToleration = "";

    @Option(
            names = "--terminating-pod-timeout",
            defaultValue = "60s",
            description =
                    "How long a pod may stay Terminating on a lost node before it is removed (default: ${DEFAULT-VALUE}).")
    String terminatingPodTimeout = "";

    @Override
    public Integer call() throws Exception {
        ControllerManager manager = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            manager.close();
                            stopped.countDown();
                        },
                        "controller-manager-shutdown"));
        stopped.await();
        return 0;
    }

    /** Connects and starts campaigning (or, without leader election, starts the controllers). */
    public ControllerManager start() throws Exception {
        List<String> endpoints =
                Splitter.on(',').trimResults().omitEmptyStrings().splitToList(server);
        ClientConfig clientConfig;
        if (!endpoints.isEmpty() && !token.isBlank() && config.isBlank()) {
            clientConfig = ClientConfig.of(endpoints, token); // as the CLI: --server and --token need no file
        } else {
            clientConfig = config.isBlank() ? ClientConfig.load() : ClientConfig.load(Path.of(config));
            if (!endpoints.isEmpty()) {
                clientConfig = clientConfig.withEndpoints(endpoints);
            }
            if (!token.isBlank()) {
                clientConfig = clientConfig.withToken(token);
            }
        }
        String name = identity.isBlank()
                ? InetAddress.getLocalHost().getHostName() + "_"
                        + UUID.randomUUID().toString().substring(0, 8)
                : identity;
        ControllerManagerConfig settings = ControllerManagerConfig.defaults(name)
                .withNodeLifecycle(NodeLifecycleConfig.defaults()
                        .withGracePeriod(Durations.parse("--node-monitor-grace-period", nodeGrace))
                        .withMonitorPeriod(Durations.parse("--node-monitor-period", nodeMonitorPeriod))
                        .withDefaultToleration(Durations.parse("--default-toleration-seconds", defaultToleration))
                        .withTerminatingPodTimeout(
                                Durations.parse("--terminating-pod-timeout", terminatingPodTimeout)));
        Optional<LeaderElectionConfig> election = leaderElect
                ? Optional.of(LeaderElectionConfig.of(LEASE_NAMESPACE, LEASE_NAME, name)
                        .withDurations(
                                Durations.parse("--leader-elect-lease-duration", leaseDuration),
                                Durations.parse("--leader-elect-renew-deadline", renewDeadline),
                                Durations.parse("--leader-elect-retry-period", retryPeriod))
                        .withReleaseOnStop(true))
                : Optional.empty();
        ObjectClient client = ObjectClient.connect(clientConfig);
        return new ControllerManager(client, election, c -> List.of(new StandardControllers(c, settings))).start();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ControllerManagerMain()).execute(args));
    }
}
