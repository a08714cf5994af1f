package io.capstan.kubelet;

import com.google.common.base.Splitter;
import io.capstan.api.flags.Durations;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.kubelet.dns.DnsConfig;
import io.capstan.kubelet.ingress.IngressConfig;
import io.capstan.kubelet.node.HostResources;
import io.capstan.kubelet.node.NodeConfig;
import io.capstan.kubelet.pod.PodTimings;
import io.capstan.kubelet.proxy.ProxyConfig;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.docker.DockerEngine;
import io.capstan.kubelet.runtime.docker.DockerRuntime;
import io.capstan.kubelet.runtime.docker.DockerSettings;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.kubelet.runtime.process.ProcessRuntime;
import io.capstan.kubelet.server.KubeletServerOptions;
import io.capstan.proto.api.v1.Taint;
import io.capstan.proto.api.v1.TaintEffect;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan kubelet --node NAME}: the node agent. Every address is a flag with 127.0.0.1 as its
 * default, so the same command runs kubelets on several hosts.
 */
@Command(
        name = "kubelet",
        mixinStandardHelpOptions = true,
        description = "Runs the node agent: registers the node, runs the pods bound to it, proxies Services.")
public final class KubeletMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(KubeletMain.class);
    /** A cold JVM's first answer from the engine took up to 8 s on a loaded machine. */
    private static final java.time.Duration DOCKER_PROBE_TIMEOUT = java.time.Duration.ofSeconds(10);

    @Option(names = "--node", required = true, description = "The Node's name.")
    String node = "";

    @Option(names = "--config", description = "Client config (default: $CAPSTAN_CONFIG, else ~/.capstan/config).")
    String config = "";

    @Option(names = "--server", description = "Comma-separated API endpoints host:port; overrides the config.")
    String server = "";

    @Option(names = "--token", description = "Bearer token; overrides the config.")
    String token = "";

    @Option(
            names = "--address",
            defaultValue = "127.0.0.1",
            description =
                    "The node's address: where host ports are bound and pods are reached (default: ${DEFAULT-VALUE}).")
    String address = "";

    @Option(
            names = "--root-dir",
            description =
                    "Pods' volumes and working directories, and the runtime's state (default: ./data/kubelet-<node>).")
    String rootDir = "";

    @Option(
            names = "--runtime",
            defaultValue = "auto",
            description =
                    "docker, process, fake, or auto: Docker when an engine answers, else process (default: ${DEFAULT-VALUE}).")
    String runtime = "";

    @Option(names = "--node-labels", split = ",", description = "Labels added to the Node, key=value[,key=value...].")
    List<String> labels = new ArrayList<>();

    @Option(
            names = "--register-with-taints",
            split = ",",
            description = "Taints set when the Node registers, key[=value]:Effect[,...].")
    List<String> taints = new ArrayList<>();

    @Option(names = "--cpu", description = "cpu capacity (default: the host's cores).")
    String cpu = "";

    @Option(names = "--memory", description = "memory capacity, e.g. 8Gi (default: the host's memory).")
    String memory = "";

    @Option(names = "--max-pods", defaultValue = "110", description = "pods capacity (default: ${DEFAULT-VALUE}).")
    int maxPods;

    @Option(names = "--lease-duration", defaultValue = "40s", description = "(default: ${DEFAULT-VALUE})")
    String leaseDuration = "";

    @Option(names = "--lease-renew-interval", defaultValue = "10s", description = "(default: ${DEFAULT-VALUE})")
    String renewInterval = "";

    @Option(names = "--node-status-update-frequency", defaultValue = "10s", description = "(default: ${DEFAULT-VALUE})")
    String statusInterval = "";

    @Option(
            names = "--crash-loop-backoff",
            defaultValue = "10s",
            description = "First crash-loop back-off, doubling (default: ${DEFAULT-VALUE}).")
    String backoffInitial = "";

    @Option(names = "--crash-loop-backoff-max", defaultValue = "5m", description = "(default: ${DEFAULT-VALUE})")
    String backoffMax = "";

    @Option(
            names = "--endpoints-drain-timeout",
            defaultValue = "5s",
            description =
                    "How long a deleted pod waits to leave its Services' Endpoints before SIGTERM (default: ${DEFAULT-VALUE}).")
    String endpointsDrain = "";

    @Option(
            names = "--proxy",
            defaultValue = "true",
            negatable = true,
            description = "Run the service proxy on ClusterIPs and node ports (default: ${DEFAULT-VALUE}).")
    boolean proxy;

    @Option(
            names = "--node-port-address",
            defaultValue = "127.0.0.1",
            description = "Where the proxy binds Services' node ports (default: ${DEFAULT-VALUE}).")
    String nodePortAddress = "";

    @Option(
            names = "--dns-port",
            defaultValue = "10053",
            description = "Port of the node's cluster DNS (UDP and TCP, SO_REUSEPORT); 0 serves none "
                    + "(default: ${DEFAULT-VALUE}).")
    int dnsPort;

    @Option(
            names = "--dns-address",
            defaultValue = "127.0.0.1",
            description = "Address the cluster DNS listens on (default: ${DEFAULT-VALUE}).")
    String dnsAddress = "";

    @Option(
            names = "--cluster-domain",
            defaultValue = DnsConfig.DEFAULT_CLUSTER_DOMAIN,
            description = "The domain DNS answers Services under: <service>.<namespace>.svc.<domain> "
                    + "(default: ${DEFAULT-VALUE}).")
    String clusterDomain = "";

    @Option(
            names = "--dns-upstream",
            description = "HOST:PORT of a resolver that names outside the cluster domain are forwarded to "
                    + "(default: none, such names are refused).")
    String dnsUpstream = "";

    @Option(
            names = "--ingress-port",
            defaultValue = "8080",
            description = "Where the ingress HTTP proxy listens; 0 runs none (default: ${DEFAULT-VALUE}).")
    int ingressPort;

    @Option(
            names = "--ingress-address",
            defaultValue = "127.0.0.1",
            description = "The address the ingress HTTP proxy binds (default: ${DEFAULT-VALUE}).")
    String ingressAddress = "";

    @CommandLine.Mixin
    KubeletServerOptions serverOptions = new KubeletServerOptions();

    @Option(
            names = "--docker-host",
            description = "The Docker engine to use (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
    String dockerHost = "";

    @Option(
            names = "--docker-network",
            defaultValue = "host",
            description = "host: containers listen on their host ports (given in PORT variables); bridge: declared "
                    + "ports published on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    String dockerNetwork = "";

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
                        "kubelet-shutdown"));
        stopped.await();
        return 0;
    }

    /** A started kubelet and what it started with it. */
    public record Running(Kubelet kubelet, ContainerRuntime runtime, ObjectClient client) implements AutoCloseable {
        @Override
        public void close() {
            kubelet.close();
            runtime.close();
            client.close();
        }
    }

    public Running start() throws Exception {
        ClientConfig clientConfig = config.isBlank() ? ClientConfig.load() : ClientConfig.load(Path.of(config));
        if (!server.isBlank()) {
            clientConfig = clientConfig.withEndpoints(
                    Splitter.on(',').trimResults().omitEmptyStrings().splitToList(server));
        }
        if (!token.isBlank()) {
            clientConfig = clientConfig.withToken(token);
        }
        Path root = rootDir.isBlank() ? Path.of("data", "kubelet-" + node) : Path.of(rootDir);
        Map<String, String> capacity = new LinkedHashMap<>(HostResources.capacity());
        if (!cpu.isBlank()) {
            capacity.put("cpu", cpu);
        }
        if (!memory.isBlank()) {
            capacity.put("memory", memory);
        }
        capacity.put("pods", Integer.toString(maxPods));
        NodeConfig nodeConfig = new NodeConfig(
                node,
                address,
                parseLabels(labels),
                parseTaints(taints),
                capacity,
                "",
                root,
                Durations.parse("--lease-duration", leaseDuration),
                Durations.parse("--lease-renew-interval", renewInterval),
                Durations.parse("--node-status-update-frequency", statusInterval),
                java.time.Duration.ofMinutes(1));
        PodTimings timings = PodTimings.defaults()
                .withBackoff(
                        Durations.parse("--crash-loop-backoff", backoffInitial),
                        Durations.parse("--crash-loop-backoff-max", backoffMax))
                .withEndpointsDrain(Durations.parse("--endpoints-drain-timeout", endpointsDrain));
        ContainerRuntime containers = runtime(root);
        ObjectClient client = ObjectClient.connect(clientConfig);
        KubeletConfig kubeletConfig = new KubeletConfig(nodeConfig, root, timings)
                .withServer(new InetSocketAddress(serverOptions.address(), serverOptions.port()));
        if (proxy) {
            kubeletConfig = kubeletConfig.withProxy(ProxyConfig.defaults().withNodePortAddress(nodePortAddress));
        }
        if (dnsPort != 0) {
            kubeletConfig = kubeletConfig.withDns(dnsConfig());
        }
        if (ingressPort < 0 || ingressPort > 65535) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--ingress-port: must be in [0, 65535], got " + ingressPort);
        }
        if (ingressPort > 0) {
            try {
                kubeletConfig = kubeletConfig.withIngress(
                        IngressConfig.defaults().withAddress(ingressAddress).withPort(ingressPort));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--ingress-address: " + e.getMessage());
            }
        }
        Kubelet kubelet = Kubelet.start(client, kubeletConfig, containers, Clock.systemUTC());
        return new Running(kubelet, containers, client);
    }

    DnsConfig dnsConfig() {
        if (dnsPort < 0 || dnsPort > 65535) {
            throw new IllegalArgumentException("--dns-port: expected 0 to 65535, got " + dnsPort);
        }
        DnsConfig dns = DnsConfig.defaults()
                .withAddress(new InetSocketAddress(dnsAddress, dnsPort))
                .withClusterDomain(clusterDomain);
        return dnsUpstream.isBlank() ? dns : dns.withUpstream(DnsConfig.parseUpstream(dnsUpstream));
    }

    private ContainerRuntime runtime(Path root) throws java.io.IOException {
        return switch (runtime) {
            case "fake" -> new FakeRuntime(node, Clock.systemUTC());
            case "process" -> new ProcessRuntime(node, root.resolve("runtime"), Clock.systemUTC());
            case "docker" -> DockerRuntime.connect(node, dockerSettings());
            case "auto" -> {
                if (DockerEngine.available(dockerSettings().dockerHost(), DOCKER_PROBE_TIMEOUT)) {
                    log.info(
                            "A Docker engine answers at {}: running containers with it",
                            dockerSettings().dockerHost());
                    yield DockerRuntime.connect(node, dockerSettings());
                }
                log.info(
                        "No Docker engine answers at {}: running pods as host processes",
                        dockerSettings().dockerHost());
                yield new ProcessRuntime(node, root.resolve("runtime"), Clock.systemUTC());
            }
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--runtime: unknown runtime \"" + runtime + "\" (docker, process, fake, auto)");
        };
    }

    private DockerSettings dockerSettings() {
        DockerSettings settings = DockerSettings.defaults()
                .withDockerHost(dockerHost.isBlank() ? DockerEngine.defaultDockerHost() : dockerHost);
        return switch (dockerNetwork) {
            case "host" -> settings.withNetworkMode(DockerSettings.NetworkMode.HOST);
            case "bridge" -> settings.withNetworkMode(DockerSettings.NetworkMode.BRIDGE);
            default ->
                throw new IllegalArgumentException(
                        "--docker-network: expected host or bridge, got \"" + dockerNetwork + "\"");
        };
    }

    static Map<String, String> parseLabels(List<String> values) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--node-labels: expected key=value, got \"" + value + "\"");
            }
            labels.put(value.substring(0, eq), value.substring(eq + 1));
        }
        return labels;
    }

    static List<Taint> parseTaints(List<String> values) {
        List<Taint> taints = new ArrayList<>();
        for (String value : values) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(
                        "--register-with-taints: expected key[=value]:Effect, got \"" + value + "\"");
            }
            String keyValue = value.substring(0, colon);
            TaintEffect effect = switch (value.substring(colon + 1)) {
                case "NoSchedule" -> TaintEffect.TAINT_EFFECT_NO_SCHEDULE;
                case "PreferNoSchedule" -> TaintEffect.TAINT_EFFECT_PREFER_NO_SCHEDULE;
                case "NoExecute" -> TaintEffect.TAINT_EFFECT_NO_EXECUTE;
                default ->
                    throw new IllegalArgumentException("--register-with-taints: unknown effect \""
                            + value.substring(colon + 1) + "\" (NoSchedule, PreferNoSchedule, NoExecute)");
            };
            int eq = keyValue.indexOf('=');
            Taint.Builder taint = Taint.newBuilder().setEffect(effect);
            if (eq < 0) {
                taint.setKey(keyValue);
            } else {
                taint.setKey(keyValue.substring(0, eq)).setValue(keyValue.substring(eq + 1));
            }
            taints.add(taint.build());
        }
        return taints;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeletMain()).execute(args));
    }
}
