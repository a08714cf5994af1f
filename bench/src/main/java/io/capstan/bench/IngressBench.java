package io.capstan.bench;

import com.sun.net.httpserver.HttpServer;
import io.capstan.client.ObjectClient;
import io.capstan.kubelet.ingress.IngressConfig;
import io.capstan.kubelet.ingress.IngressProxy;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.HttpIngressPath.PathType;
import io.capstan.proto.api.v1.HttpIngressRuleValue;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IngressServiceBackend;
import io.capstan.proto.api.v1.IngressSpec;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServiceBackendPort;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Requests per second and latency through the ingress proxy ({@link IngressProxy}: a running one,
 * e.g. a kubelet's, given by {@code --ingress}, else one started in this process) to 3 backends, side by side with the same load sent straight to one backend and, if asked,
 * through nginx routing to the same 3 backends. Against a running control plane: the bench writes a
 * Service, its Endpoints (the 3 backends, JDK HttpServers on 127.0.0.1 in this process, answering a
 * fixed 13-byte body) and an Ingress for host {@code bench.local}, path {@code /}, then waits until
 * the proxy routes. Each target in turn gets a closed-loop load of {@code --connections} kept-alive
 * HTTP/1.1 connections (one thread each, raw sockets, {@code GET /}) for {@code --warmup}, not
 * recorded, then {@code --duration}. Prints one JSON line per target ({@code "scenario":"ingress"},
 * {@code "target":"ingress"|"direct"|"nginx"}) and a table.
 *
 * <p>nginx: {@code --nginx HOST:PORT} measures one already running (it must route Host bench.local
 * to the backends, whose addresses the bench prints); {@code --nginx-config DIR} writes a
 * configuration for this run's backends into DIR (pid, logs and temp paths inside it; 2 workers,
 * kept-alive upstream connections), starts {@code nginx -p DIR -c nginx.conf} on a free 127.0.0.1
 * port as a child process and stops that child when done.
 *
 * <pre>
 * java -cp bench/target/capstan-bench.jar io.capstan.bench.IngressBench --config $CAPSTAN_DIR/config \
 *     --nginx-config /tmp/ingress-bench-nginx
 * </pre>
 */
@Command(
        name = "ingress-bench",
        mixinStandardHelpOptions = true,
        description = "Ingress proxy throughput and latency, next to a direct backend and nginx.")
public final class IngressBench implements Callable<Integer> {
    static final String HOST = "bench.local";
    private static final int BACKENDS = 3;
    private static final byte[] BODY = "hello, bench\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

    // not ApiOptions as a mixin: its --connections (gRPC channels) would clash with the load's
    @Option(
            names = "--config",
            description = "Client config written by the server (endpoints and token), e.g."
                    + " $CAPSTAN_DIR/config (default: $CAPSTAN_CONFIG)")
    @Nullable
    Path config;

    @Option(names = "--endpoints", description = "Comma-separated API endpoints (default: the config's)")
    @Nullable
    String apiEndpoints;

    @Option(names = "--token", description = "Bearer token (default: the config's)")
    @Nullable
    String token;

    @Option(
            names = "--connections",
            defaultValue = "64",
            description = "Kept-alive connections, one request in flight each (default ${DEFAULT-VALUE})")
    int connections = 64;

    @Option(
            names = "--duration",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Measured load per target (default ${DEFAULT-VALUE})")
    Duration duration = Duration.ofSeconds(10);

    @Option(
            names = "--warmup",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Load per target before the measured part, not recorded; long enough for the"
                    + " proxy's JIT to settle (default ${DEFAULT-VALUE})")
    Duration warmup = Duration.ofSeconds(20);

    @Option(
            names = "--backend-threads",
            defaultValue = "4",
            description = "Worker threads of each backend's HttpServer (default ${DEFAULT-VALUE})")
    int backendThreads = 4;

    @Option(
            names = "--ingress",
            description = "HOST:PORT of a running ingress proxy to measure (a kubelet's, as shipped) instead of one"
                    + " started in this process")
    @Nullable
    String ingressProxy;

    @Option(
            names = "--ingress-pid",
            description = "Pid of the process serving --ingress (its CPU per request is reported)")
    @Nullable
    Long ingressPid;

    @Option(
            names = "--event-loops",
            description = "Event loops of the ingress proxy started in this process (default: IngressConfig's)")
    @Nullable
    Integer eventLoops;

    @Option(names = "--nginx", description = "HOST:PORT of a running nginx routing Host bench.local to the backends")
    @Nullable
    String nginx;

    @Option(
            names = "--nginx-config",
            description = "Write an nginx configuration for the backends into this directory, run nginx from it"
                    + " and measure it")
    @Nullable
    Path nginxDir;

    @Option(
            names = "--nginx-binary",
            defaultValue = "nginx",
            description = "The nginx executable for --nginx-config (default ${DEFAULT-VALUE})")
    String nginxBinary = "nginx";

    @Override
    public Integer call() throws Exception {
        Bounds.check("--connections", connections, 1, Bounds.MAX_IN_FLIGHT);
        Bounds.check("--duration", duration, Duration.ofSeconds(1));
        Bounds.check("--warmup", warmup, Duration.ZERO);
        Bounds.check("--backend-threads", backendThreads, 1, 256);
        if (nginx != null && nginxDir != null) {
            throw new IllegalArgumentException("--nginx and --nginx-config: give one of them");
        }
        ApiOptions api = new ApiOptions();
        api.config = config;
        api.endpoints = apiEndpoints;
        api.token = token;
        ApiOptions.Target target = api.resolve(System.getenv());
        List<String> endpoints = new ArrayList<>();
        target.endpoints().forEach(e -> endpoints.add(e.toString()));
        String run = "ib-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

        List<HttpServer> backends = new ArrayList<>();
        List<ExecutorService> pools = new ArrayList<>();
        @Nullable Process nginxProcess = null;
        try (ObjectClient client = ObjectClient.connect(io.capstan.client.ClientConfig.of(endpoints, target.token()))) {
            for (int i = 0; i < BACKENDS; i++) {
                ExecutorService pool = Executors.newFixedThreadPool(backendThreads);
                pools.add(pool);
                backends.add(startBackend(pool));
            }
            List<Integer> ports =
                    backends.stream().map(b -> b.getAddress().getPort()).toList();
            System.out.println(
                    "backends: " + ports.stream().map(p -> "127.0.0.1:" + p).toList());
            writeObjects(client, run, ports);
            IngressConfig config = IngressConfig.defaults().withPort(0);
            if (eventLoops != null) {
                config = config.withEventLoopThreads(eventLoops);
            }
            @Nullable String external = ingressProxy;
            try (@Nullable
                    IngressProxy proxy = external == null ? IngressProxy.start(client, config, "127.0.0.1") : null) {
                InetSocketAddress ingress = external != null
                        ? parseHostPort("--ingress", external)
                        : new InetSocketAddress(
                                InetAddress.getLoopbackAddress(),
                                java.util.Objects.requireNonNull(proxy)
                                        .address()
                                        .getPort());
                awaitAnswer(ingress, "the ingress proxy");
                System.out.println("ingress proxy " + (proxy != null ? "(in this process) " : "") + "on " + ingress
                        + " routes " + HOST);

                @Nullable InetSocketAddress nginxAddress = null;
                if (nginxDir != null) {
                    int port = freePort();
                    Nginx.writeConfig(nginxDir, port, ports);
                    nginxProcess = Nginx.start(nginxBinary, nginxDir);
                    nginxAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                    awaitAnswer(nginxAddress, "nginx (see " + nginxDir.resolve("error.log") + ")");
                    System.out.println("nginx (pid " + nginxProcess.pid() + ") on " + nginxAddress);
                } else if (nginx != null) {
                    nginxAddress = parseHostPort("--nginx", nginx);
                    awaitAnswer(nginxAddress, "nginx at " + nginx);
                }

                HttpLoad load = new HttpLoad(connections, warmup, duration);
                List<HttpLoad.Result> results = new ArrayList<>();
                List<Long> ingressPids = ingressPid != null ? List.of(ingressPid) : List.of();
                results.add(load.measure("ingress", ingress, ingressPids));
                results.add(load.measure(
                        "direct", new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(0)), List.of()));
                if (nginxAddress != null) {
                    results.add(load.measure("nginx", nginxAddress, Nginx.pids(nginxProcess)));
                }
                HttpLoad.printTable(results);
            }
        } finally {
            if (nginxProcess != null) {
                Nginx.stop(nginxProcess);
            }
            backends.forEach(b -> b.stop(0));
            pools.forEach(ExecutorService::shutdownNow);
            deleteNamespace(target, endpoints, run);
        }
        return 0;
    }

    private static HttpServer startBackend(ExecutorService pool) throws IOException {
        // read once, when the first server is made: without it the JDK server writes the headers and
        // the body as two segments with Nagle on, and every answer waits for the client's delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, BODY.length);
                exchange.getResponseBody().write(BODY);
            }
        });
        server.setExecutor(pool);
        server.start();
        return server;
    }

    private static void writeObjects(ObjectClient client, String ns, List<Integer> ports) {
        client.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
        client.services()
                .create(Service.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName("bench"))
                        .setSpec(ServiceSpec.newBuilder()
                                .addPorts(
                                        ServicePort.newBuilder().setName("http").setPort(80)))
                        .build());
        // the ports differ, so one subset per backend (no endpoints controller: the bench writes them)
        Endpoints.Builder eps = Endpoints.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName("bench"));
        for (int port : ports) {
            eps.addSubsets(EndpointSubset.newBuilder()
                    .addAddresses(EndpointAddress.newBuilder().setIp("127.0.0.1"))
                    .addPorts(EndpointPort.newBuilder().setName("http").setPort(port)));
        }
        client.endpoints().apply(eps.build());
        IngressServiceBackend backend = IngressServiceBackend.newBuilder()
                .setName("bench")
                .setPort(ServiceBackendPort.newBuilder().setNumber(80))
                .build();
        client.ingresses()
                .create(Ingress.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName("bench"))
                        .setSpec(IngressSpec.newBuilder()
                                .addRules(IngressRule.newBuilder()
                                        .setHost(HOST)
                                        .setHttp(HttpIngressRuleValue.newBuilder()
                                                .addPaths(HttpIngressPath.newBuilder()
                                                        .setPath("/")
                                                        .setPathType(PathType.PATH_TYPE_PREFIX)
                                                        .setBackend(IngressBackend.newBuilder()
                                                                .setService(backend))))))
                        .build());
    }

    private static void deleteNamespace(ApiOptions.Target target, List<String> endpoints, String ns) {
        try (ObjectClient client = ObjectClient.connect(io.capstan.client.ClientConfig.of(endpoints, target.token()))) {
            client.namespaces().delete("", ns);
        } catch (RuntimeException e) {
            System.err.println("ingress-bench: could not delete namespace " + ns + ": " + e.getMessage());
        }
    }

    /** Polls GET / with Host bench.local until a 200 answers, for at most ROUTE_TIMEOUT. */
    private static void awaitAnswer(InetSocketAddress address, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ROUTE_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (BenchHttpConnection c = new BenchHttpConnection(address)) {
                int status = c.get();
                if (status == 200) {
                    return;
                }
                last = "status " + status;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(what + " did not answer 200 within " + ROUTE_TIMEOUT + ": " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static InetSocketAddress parseHostPort(String option, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got '" + value + "'");
        }
        try {
            return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got '" + value + "'", e);
        }
    }

    public static void main(String[] args) {
        // the client's and the proxy's warnings only, unless asked for more with -D
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(BenchCli.execute(new IngressBench(), args));
    }
}
