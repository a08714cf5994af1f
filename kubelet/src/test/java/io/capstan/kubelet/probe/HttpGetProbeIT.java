package io.capstan.kubelet.probe;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.capstan.kubelet.runtime.ContainerConfig.PortMapping;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.HttpBodyMatch;
import io.capstan.proto.api.v1.HttpGetAction;
import io.capstan.proto.api.v1.HttpHeader;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP GET probes against a small server on 127.0.0.1 whose answers each test sets. */
class HttpGetProbeIT {
    private final ActionProber prober = new ActionProber(new FakeRuntime("node-1", Clock.systemUTC()));
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, HttpExchange> lastRequest = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private volatile HttpHandler answer = respond(200, "ok");
    private HttpServer server;
    private int port;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            lastRequest.put(path, exchange);
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            answer.handle(exchange);
        });
        server.setExecutor(serverThreads);
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static HttpHandler respond(int status, String body) {
        return exchange -> send(exchange, status, body, Map.of());
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        try (exchange) {
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private ProbeTarget target() {
        return new ProbeTarget("c1", "127.0.0.1", List.of());
    }

    private static Probe get(String path, int port) {
        return Probe.newBuilder()
                .setHttpGet(HttpGetAction.newBuilder()
                        .setPath(path)
                        .setPort(IntOrString.newBuilder().setIntVal(port)))
                .build();
    }

    private ProbeResult probe(Probe probe) {
        return prober.probe(probe, target(), ofSeconds(5));
    }

    @Test
    void successStatusPassesWithTheBody() {
        assertThat(probe(get("/healthz", port))).isEqualTo(ProbeResult.success("ok"));
    }

    @Test
    void passesThenFailsWhenTheServerTurnsUnhealthy() {
        assertThat(probe(get("/healthz", port)).passed()).isTrue();

        answer = respond(500, "broken");

        assertThat(probe(get("/healthz", port)))
                .isEqualTo(ProbeResult.failure("HTTP probe failed with statuscode: 500"));
        answer = respond(404, "");
        assertThat(probe(get("/healthz", port)))
                .isEqualTo(ProbeResult.failure("HTTP probe failed with statuscode: 404"));
    }

    @Test
    void slowServerFailsAtTheTimeout() {
        answer = exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(exchange, 200, "late", Map.of());
        };
        long began = System.nanoTime();

        ProbeResult result = prober.probe(get("/slow", port), target(), ofMillis(300));

        assertThat(result)
                .isEqualTo(ProbeResult.failure("Get \"http://127.0.0.1:" + port
                        + "/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"));
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isBetween(ofMillis(250), ofSeconds(5));
    }

    @Test
    void closedPortIsRefused() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        assertThat(probe(get("/healthz", closed)))
                .isEqualTo(ProbeResult.failure("Get \"http://127.0.0.1:" + closed + "/healthz\": dial tcp 127.0.0.1:"
                        + closed + ": connect: connection refused"));
    }

    @Test
    void requestCarriesPathQueryHostHeaderAndHeaders() {
        Probe probe = get("/healthz?verbose=1", port).toBuilder()
                .setHttpGet(get("/healthz?verbose=1", port).getHttpGet().toBuilder()
                        .addHttpHeaders(HttpHeader.newBuilder().setName("Host").setValue("web.example"))
                        .addHttpHeaders(
                                HttpHeader.newBuilder().setName("X-Probe").setValue("yes")))
                .build();

        assertThat(probe(probe).passed()).isTrue();

        HttpExchange request = lastRequest.get("/healthz");
        assertThat(request.getRequestMethod()).isEqualTo("GET");
        assertThat(request.getRequestURI().getRawQuery()).isEqualTo("verbose=1");
        assertThat(request.getRequestHeaders().getFirst("Host")).isEqualTo("web.example");
        assertThat(request.getRequestHeaders().getFirst("X-Probe")).isEqualTo("yes");
        assertThat(request.getRequestHeaders().getFirst("User-Agent")).isEqualTo(HttpGetProbe.USER_AGENT);
        assertThat(request.getRequestHeaders().getFirst("Accept")).isEqualTo("*/*");
    }

    @Test
    void defaultHostHeaderIsAddressAndPortAndDefaultPathIsRoot() {
        assertThat(probe(get("", port)).passed()).isTrue();

        assertThat(lastRequest.get("/").getRequestHeaders().getFirst("Host")).isEqualTo("127.0.0.1:" + port);
    }

    @Test
    void namedPortConnectsToItsHostPort() {
        ProbeTarget target =
                new ProbeTarget("c1", "127.0.0.1", List.of(new PortMapping("http", 8080, port, "TCP", "127.0.0.1")));
        Probe probe = Probe.newBuilder()
                .setHttpGet(HttpGetAction.newBuilder()
                        .setPath("/healthz")
                        .setPort(IntOrString.newBuilder().setStrVal("http")))
                .build();

        assertThat(prober.probe(probe, target, ofSeconds(5))).isEqualTo(ProbeResult.success("ok"));
        assertThat(prober.probe(get("/healthz", 8080), target, ofSeconds(5)).passed())
                .isTrue();
    }

    @Test
    void invalidHostIsUnknown() {
        Probe probe = get("/", port).toBuilder()
                .setHttpGet(get("/", port).getHttpGet().toBuilder().setHost("no_such host"))
                .build();

        assertThat(probe(probe).outcome()).isEqualTo(ProbeResult.Outcome.UNKNOWN);
        probe = get("/", port).toBuilder()
                .setHttpGet(get("/", port).getHttpGet().toBuilder().setHost("under_score"))
                .build();
        assertThat(probe(probe)).isEqualTo(ProbeResult.unknown("httpGet.host: invalid host \"under_score\""));
    }

    @Test
    void redirectOnTheSameHostIsFollowed() {
        answer = exchange -> {
            if (exchange.getRequestURI().getPath().equals("/old")) {
                send(exchange, 302, "", Map.of("Location", "/new"));
            } else {
                send(exchange, 200, "new", Map.of());
            }
        };

        assertThat(probe(get("/old", port))).isEqualTo(ProbeResult.success("new"));
        assertThat(hits.get("/new")).hasValue(1);
    }

    @Test
    void redirectToAnotherHostIsNotFollowedAndPassesWithAWarning() {
        answer = exchange -> {
            if (exchange.getRequestURI().getPath().equals("/old")) {
                send(exchange, 301, "moved", Map.of("Location", "http://localhost:" + port + "/elsewhere"));
            } else {
                send(exchange, 500, "", Map.of());
            }
        };

        ProbeResult result = probe(get("/old", port));

        assertThat(result).isEqualTo(ProbeResult.warning("Probe terminated redirects, Response body: moved"));
        assertThat(result.passed()).isTrue();
        assertThat(hits).doesNotContainKey("/elsewhere");
    }

    @Test
    void redirectLoopStopsAfterTenRedirects() {
        answer = exchange -> send(exchange, 307, "", Map.of("Location", "/loop"));

        ProbeResult result = probe(get("/loop", port));

        assertThat(result)
                .isEqualTo(
                        ProbeResult.failure("Get \"http://127.0.0.1:" + port + "/loop\": stopped after 10 redirects"));
        assertThat(hits.get("/loop")).hasValue(10);
    }

    @Test
    void onlyTheFirst10KiBOfTheBodyAreRead() {
        String big = "y".repeat(50 * 1024);
        answer = respond(200, big);
        assertThat(probe(get("/big", port)).message()).hasSize(10 * 1024);

        answer = exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, 0); // chunked
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 3; i++) {
                        out.write("chunk".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
        };
        assertThat(probe(get("/chunked", port))).isEqualTo(ProbeResult.success("chunkchunkchunk"));
    }

    private static Probe getMatching(String path, int port, HttpBodyMatch match) {
        Probe plain = get(path, port);
        return plain.toBuilder()
                .setHttpGet(plain.getHttpGet().toBuilder().setBodyMatch(match))
                .build();
    }

    @Test
    void bodyMatchJsonPointerFailsWhenTheValueTurnsNull() {
        Probe probe = getMatching(
                "/users",
                port,
                HttpBodyMatch.newBuilder().setJsonPointer("/users").build());
        answer = respond(200, "{\"users\": [\"ann\"]}");
        assertThat(probe(probe)).isEqualTo(ProbeResult.success("{\"users\": [\"ann\"]}"));

        answer = respond(200, "{\"users\": null}");
        assertThat(probe(probe)).isEqualTo(ProbeResult.failure("body at /users is null"));

        answer = respond(500, "{\"users\": [\"ann\"]}");
        assertThat(probe(probe)).isEqualTo(ProbeResult.failure("HTTP probe failed with statuscode: 500"));
    }

    @Test
    void bodyMatchContainsAndRegexEachMustHold() {
        Probe probe = getMatching(
                "/status",
                port,
                HttpBodyMatch.newBuilder()
                        .setContains("db=up")
                        .setMatches("^ok ")
                        .build());
        answer = respond(200, "ok db=up cache=up");
        assertThat(probe(probe).passed()).isTrue();
        answer = respond(200, "ok db=down");
        assertThat(probe(probe)).isEqualTo(ProbeResult.failure("body does not contain \"db=up\""));
        answer = respond(200, "degraded db=up");
        assertThat(probe(probe)).isEqualTo(ProbeResult.failure("body does not match \"^ok \""));
    }

    @Test
    void bodyMatchReadsUpTo64KiBOfTheBody() {
        Probe probe = getMatching(
                "/big", port, HttpBodyMatch.newBuilder().setContains("needle").build());
        answer = respond(200, "y".repeat(60 * 1024) + "needle");
        ProbeResult found = probe(probe);
        assertThat(found.passed()).isTrue();
        assertThat(found.message()).hasSize(10 * 1024);

        answer = respond(200, "y".repeat(64 * 1024) + "needle");
        assertThat(probe(probe)).isEqualTo(ProbeResult.failure("body does not contain \"needle\""));
    }

    @Test
    void bodyMatchWithAnInvalidRuleIsUnknown() {
        Probe probe = getMatching(
                "/x", port, HttpBodyMatch.newBuilder().setMatches("(").build());
        assertThat(probe(probe).outcome()).isEqualTo(ProbeResult.Outcome.UNKNOWN);
        assertThat(probe(probe).message()).startsWith("httpGet.bodyMatch: matches: invalid regular expression");
    }

    @Test
    void httpsIsProbedWithoutVerifyingTheCertificate(@TempDir Path dir) throws Exception {
        SSLContext tls = selfSigned(dir);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", exchange -> send(exchange, 200, "secure", Map.of()));
        https.setExecutor(serverThreads);
        https.start();
        try {
            Probe probe = get("/healthz", https.getAddress().getPort()).toBuilder()
                    .setHttpGet(get("/healthz", https.getAddress().getPort()).getHttpGet().toBuilder()
                            .setScheme(HttpGetAction.Scheme.SCHEME_HTTPS))
                    .build();

            assertThat(probe(probe)).isEqualTo(ProbeResult.success("secure"));
        } finally {
            https.stop(0);
        }
    }

    /** A TLS server context with a fresh self-signed certificate made by the JDK's keytool. */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        char[] password = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=web.example",
                        "-validity",
                        "1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
