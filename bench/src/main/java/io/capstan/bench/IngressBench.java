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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);

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
                        ? parseHostPort(external)
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
                    writeNginxConfig(nginxDir, port, ports);
                    nginxProcess = startNginx(nginxDir);
                    nginxAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                    awaitAnswer(nginxAddress, "nginx (see " + nginxDir.resolve("error.log") + ")");
                    System.out.println("nginx (pid " + nginxProcess.pid() + ") on " + nginxAddress);
                } else if (nginx != null) {
                    nginxAddress = parseHostPort(nginx);
                    awaitAnswer(nginxAddress, "nginx at " + nginx);
                }

                List<Result> results = new ArrayList<>();
                List<Long> ingressPids = ingressPid != null ? List.of(ingressPid) : List.of();
                results.add(measure("ingress", ingress, ingressPids));
                results.add(measure(
                        "direct", new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(0)), List.of()));
                if (nginxAddress != null) {
                    results.add(measure("nginx", nginxAddress, nginxPids(nginxProcess)));
                }
                printTable(results);
            }
        } finally {
            if (nginxProcess != null) {
                stop(nginxProcess);
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
            try (Connection c = new Connection(address)) {
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

    /** nginx's master and workers, or nothing when the bench did not start it. */
    private static List<Long> nginxPids(@Nullable Process nginx) {
        if (nginx == null) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        pids.add(nginx.pid());
        nginx.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /**
     * Loads {@code address} and reports it; when {@code proxyPids} names the processes serving it,
     * also their CPU time per request over the measured part.
     */
    private Result measure(String name, InetSocketAddress address, List<Long> proxyPids) throws InterruptedException {
        System.out.printf(
                Locale.ROOT,
                "%s: %d connections to %s, %s warm-up, %s measured%n",
                name,
                connections,
                address,
                warmup,
                duration);
        double loadAtStart = LoadAverage.oneMinute();
        LatencyHistogram latencies = new LatencyHistogram();
        LongAdder ops = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(
                    () -> drive(address, measureFrom, end, latencies, ops, errors), "load-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        @Nullable ProcessUsage usage = null;
        if (!proxyPids.isEmpty()) {
            long untilMeasured = measureFrom - System.nanoTime();
            if (untilMeasured > 0) {
                TimeUnit.NANOSECONDS.sleep(untilMeasured);
            }
            List<ProcessUsage.Watched> watched = new ArrayList<>();
            proxyPids.forEach(pid -> watched.add(new ProcessUsage.Watched("proxy-" + pid, pid)));
            usage = ProcessUsage.start(watched);
        }
        // each thread stops by `end`, plus at most one socket timeout for a request under way
        long joinDeadline = end + SOCKET_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
        }
        double proxyCpuSeconds = -1;
        if (usage != null) {
            proxyCpuSeconds = usage.finish().stream()
                    .mapToDouble(ProcessUsage.Usage::cpuSeconds)
                    .filter(cpu -> cpu >= 0)
                    .sum();
        }
        double elapsed = duration.toNanos() / 1e9;
        // the CPU window runs until every thread stopped, a little past `end`: a slight overestimate
        double proxyCpuMicrosPerRequest =
                proxyCpuSeconds < 0 || ops.sum() == 0 ? -1 : proxyCpuSeconds * 1e6 / ops.sum();
        Map<String, Long> byKind = new TreeMap<>();
        errors.forEach((k, v) -> byKind.put(k, v.sum()));
        long errorTotal = byKind.values().stream().mapToLong(Long::longValue).sum();
        Summary summary = new Summary("ingress")
                .put("target", name)
                .put("address", address.getHostString() + ":" + address.getPort())
                .put("connections", connections)
                .put("ops", ops.sum())
                .put("errors", errorTotal)
                .put("errorsByKind", byKind)
                .put("elapsedSeconds", elapsed)
                .put("throughput", ops.sum() / elapsed);
        latencies.addTo(summary, "");
        summary.put("loadAverage1m", loadAtStart);
        if (proxyCpuSeconds >= 0) {
            summary.put("proxyCpuSeconds", proxyCpuSeconds).put("proxyCpuMicrosPerRequest", proxyCpuMicrosPerRequest);
        }
        summary.print(System.out);
        return new Result(
                name,
                ops.sum() / elapsed,
                latencies.percentileMillis(50),
                latencies.percentileMillis(90),
                latencies.percentileMillis(99),
                latencies.maxMillis(),
                errorTotal,
                proxyCpuMicrosPerRequest);
    }

    /** One connection's closed loop: a request, its answer, the next; reconnects after a failure. */
    private static void drive(
            InetSocketAddress address,
            long measureFrom,
            long end,
            LatencyHistogram latencies,
            LongAdder ops,
            Map<String, LongAdder> errors) {
        @Nullable Connection connection = null;
        try {
            while (true) {
                long begin = System.nanoTime();
                if (begin >= end) {
                    return;
                }
                String failure = null;
                try {
                    if (connection == null) {
                        connection = new Connection(address);
                    }
                    int status = connection.get();
                    if (status != 200) {
                        failure = "status-" + status;
                    }
                } catch (IOException e) {
                    failure = e.getClass().getSimpleName();
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
                long done = System.nanoTime();
                if (begin >= measureFrom && done <= end) {
                    if (failure == null) {
                        ops.increment();
                        latencies.recordNanos(done - begin);
                    } else {
                        errors.computeIfAbsent(failure, k -> new LongAdder()).increment();
                    }
                }
                if (failure != null && connection == null) {
                    pause();
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One target's figures for the table. */
    private record Result(
            String target,
            double throughput,
            double p50Ms,
            double p90Ms,
            double p99Ms,
            double maxMs,
            long errors,
            double proxyCpuMicrosPerRequest) {}

    private static void printTable(List<Result> results) {
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-8s %12s %9s %9s %9s %9s %8s %12s%n",
                "target",
                "requests/s",
                "p50 ms",
                "p90 ms",
                "p99 ms",
                "max ms",
                "errors",
                "proxy us/req");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %12.0f %9.3f %9.3f %9.3f %9.3f %8d %12s%n",
                    r.target(),
                    r.throughput(),
                    r.p50Ms(),
                    r.p90Ms(),
                    r.p99Ms(),
                    r.maxMs(),
                    r.errors(),
                    r.proxyCpuMicrosPerRequest() < 0
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", r.proxyCpuMicrosPerRequest()));
        }
        System.out.flush();
    }

    static void writeNginxConfig(Path dir, int port, List<Integer> backendPorts) throws IOException {
        Files.createDirectories(dir.resolve("temp"));
        Files.createDirectories(dir.resolve("logs"));
        StringBuilder upstream = new StringBuilder();
        for (int p : backendPorts) {
            upstream.append("        server 127.0.0.1:").append(p).append(";\n");
        }
        String d = dir.toAbsolutePath().toString();
        String conf = """
                # written by IngressBench for one run: everything it writes stays in %1$s
                worker_processes 2;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events {
                    worker_connections 4096;
                }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp/client_body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    keepalive_requests 1000000;
                    upstream bench {
                %2$s        keepalive 128;
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        server_name %4$s;
                        location / {
                            proxy_pass http://bench;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Host $host;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """.formatted(d, upstream, port, HOST);
        Files.writeString(dir.resolve("nginx.conf"), conf);
    }

    private Process startNginx(Path dir) throws IOException {
        Path d = dir.toAbsolutePath();
        return new ProcessBuilder(
                        nginxBinary,
                        "-p",
                        d.toString(),
                        "-c",
                        d.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(d.resolve("nginx.out").toFile())
                .start();
    }

    /** SIGTERM to exactly this child (nginx's master stops its workers), then SIGKILL after 10 s. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static InetSocketAddress parseHostPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--nginx: expected HOST:PORT, got '" + value + "'");
        }
        try {
            return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--nginx: expected HOST:PORT, got '" + value + "'", e);
        }
    }

    /**
     * A kept-alive HTTP/1.1 connection sending {@code GET /} with Host bench.local and reading each
     * answer whole (Content-Length or chunked). Not thread-safe: one per load thread.
     */
    static final class Connection implements AutoCloseable {
        private static final byte[] REQUEST = ("GET / HTTP/1.1\r\nHost: " + HOST
                        + "\r\nUser-Agent: capstan-ingress-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[16 * 1024];
        private int start;
        private int limit;

        Connection(InetSocketAddress address) throws IOException {
            socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
                socket.connect(address, (int) SOCKET_TIMEOUT.toMillis());
                in = socket.getInputStream();
                out = socket.getOutputStream();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        /** Sends one request and reads its answer; returns the status code. */
        int get() throws IOException {
            out.write(REQUEST);
            out.flush();
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("bad status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (int headers = 0; ; headers++) {
                if (headers > 100) {
                    throw new IOException("more than 100 header lines");
                }
                String header = line();
                if (header.isEmpty()) {
                    break;
                }
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close");
                    default -> {}
                }
            }
            if (chunked) {
                while (true) {
                    String size = line();
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        while (!line().isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    skip(n);
                    line();
                }
            } else if (length > 0) {
                skip(length);
            } else if (length < 0) {
                throw new IOException("an answer without Content-Length or chunked encoding");
            }
            if (close) {
                throw new IOException("the server closed the connection (Connection: close)");
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder text = new StringBuilder();
            while (true) {
                if (start == limit) {
                    fill();
                }
                byte b = buffer[start++];
                if (b == '\n') {
                    int len = text.length();
                    return len > 0 && text.charAt(len - 1) == '\r' ? text.substring(0, len - 1) : text.toString();
                }
                if (text.length() > 8192) {
                    throw new IOException("a line longer than 8 KiB");
                }
                text.append((char) b);
            }
        }

        private void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                if (start == limit) {
                    fill();
                }
                int take = (int) Math.min(left, limit - start);
                start += take;
                left -= take;
            }
        }

        private void fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                throw new IOException("connection closed by the server");
            }
            start = 0;
            limit = n;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
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
