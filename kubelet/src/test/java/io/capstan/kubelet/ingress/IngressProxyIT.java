package io.capstan.kubelet.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.kubelet.ingress.HttpClientConnection.Answer;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.HttpIngressPath;
import io.capstan.proto.api.v1.HttpIngressPath.PathType;
import io.capstan.proto.api.v1.HttpIngressRuleValue;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressLoadBalancerIngress;
import io.capstan.proto.api.v1.IngressRule;
import io.capstan.proto.api.v1.IngressServiceBackend;
import io.capstan.proto.api.v1.IngressSpec;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServiceBackendPort;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingress proxy against an in-process control plane. The test writes Services, Endpoints (no
 * endpoints controller) pointing at {@link HttpBackend}s on 127.0.0.1, and Ingresses. One proxy on
 * an ephemeral port serves the class; each test uses a namespace and host names of its own, since
 * the proxy serves every namespace's rules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngressProxyIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestControlPlane cluster;
    private ObjectClient api;
    private IngressProxy proxy;
    private InetSocketAddress address;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        api = cluster.client();
        proxy = IngressProxy.start(api, IngressConfig.defaults().withPort(0), "127.0.0.1");
        assertThat(proxy.awaitSynced(DEADLINE)).isTrue();
        address = proxy.address();
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = "ing-" + Integer.toHexString(test.getDisplayName().hashCode());
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
    }

    @AfterEach
    void closeTestResources() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        closeables.clear();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {proxy, cluster}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void routesByHostAndPathToTwoBackendsAndAnswers404WhenNothingMatches() throws Exception {
        service("web", backends("web-0"));
        service("api", backends("api-0"));
        ingress("shop", null, rule("shop.test", prefix("/", "web"), prefix("/api", "api")));

        awaitBody("shop.test", "/api/users", "api-0");
        assertThat(get("shop.test:8080", "/api").body()).isEqualTo("api-0");
        assertThat(get("shop.test", "/apix").body()).isEqualTo("web-0");
        assertThat(get("shop.test", "/").body()).isEqualTo("web-0");
        Answer unknown = get("other.test", "/api");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrderBeyondTheQueueLimit() throws Exception {
        service("web", backends("web-0"));
        ingress("pipe", null, rule("pipe.test", prefix("/", "web")));
        awaitBody("pipe.test", "/", "web-0");

        int requests = 40; // more than the 16 a connection queues before it stops reading
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < requests; i++) {
                all.append("GET /item/")
                        .append(i)
                        .append(" HTTP/1.1\r\nHost: pipe.test\r\nX-Seq: ")
                        .append(i)
                        .append("\r\n\r\n");
            }
            socket.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            for (int i = 0; i < requests; i++) {
                String status = readLine(in);
                assertThat(status).as("answer %d", i).startsWith("HTTP/1.1 200");
                int length = -1;
                String seq = null;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(
                                line.substring(line.indexOf(':') + 1).trim());
                    } else if (lower.startsWith("seen-x-seq:")) {
                        seq = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                assertThat(seq).as("X-Seq seen by the backend for answer %d", i).isEqualTo(Integer.toString(i));
                byte[] body = new byte[length];
                in.readFully(body);
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("web-0");
            }
        }
    }

    /** One CRLF-terminated line, without its CRLF. */
    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    void exactBeatsPrefixOfTheSameLength() throws Exception {
        service("exact", backends("exact-0"));
        service("prefix", backends("prefix-0"));
        ingress(
                "login",
                null,
                rule(
                        "login.test",
                        path("/login", PathType.PATH_TYPE_PREFIX, "prefix"),
                        path("/login", PathType.PATH_TYPE_EXACT, "exact")));

        awaitBody("login.test", "/login", "exact-0");
        assertThat(get("login.test", "/login/sso").body()).isEqualTo("prefix-0");
        assertThat(get("login.test", "/logins").status()).isEqualTo(404);
    }

    @Test
    void aWildcardHostTakesExactlyOneMoreLabel() throws Exception {
        service("wild", backends("wild-0"));
        ingress("wild", null, rule("*.wild.test", prefix("/", "wild")));

        awaitBody("a.wild.test", "/", "wild-0");
        assertThat(get("b.wild.test", "/x").body()).isEqualTo("wild-0");
        assertThat(get("a.b.wild.test", "/").status()).isEqualTo(404);
        assertThat(get("wild.test", "/").status()).isEqualTo(404);
    }

    @Test
    void theDefaultBackendServesUnmatchedRequestsUntilItGoes() throws Exception {
        service("fallback", backends("fallback-0"));
        service("known", backends("known-0"));
        assertThat(get("nowhere.test", "/").status()).isEqualTo(404);

        ingress("catch", "fallback", rule("known.test", prefix("/", "known")));
        awaitBody("nowhere.test", "/", "fallback-0");
        assertThat(get("known.test", "/").body()).isEqualTo("known-0");

        api.ingresses().delete(ns, "catch");
        await().atMost(DEADLINE).until(() -> get("nowhere.test", "/").status() == 404);
    }

    @Test
    void aServiceWithoutReadyEndpointsAnswers503UntilOneAppears() throws Exception {
        service("empty", List.of());
        ingress("empty", null, rule("empty.test", prefix("/", "empty")));

        await().atMost(DEADLINE).until(() -> get("empty.test", "/").status() == 503);
        assertThat(get("empty.test", "/").body()).contains("no ready endpoint");

        writeEndpoints("empty", backends("late-0"));
        awaitBody("empty.test", "/", "late-0");
    }

    @Test
    void anIdempotentRequestIsRetriedOnAnotherEndpointWhenTheConnectIsRefused() throws Exception {
        List<HttpBackend> live = backends("live-0");
        int refusing = freePort();
        service("flaky", List.of());
        writeEndpointPorts("flaky", List.of(refusing, live.get(0).port()));
        ingress("flaky", null, rule("flaky.test", prefix("/", "flaky")));
        awaitBody("flaky.test", "/", "live-0");

        for (int i = 0; i < 10; i++) {
            assertThat(get("flaky.test", "/" + i).body()).isEqualTo("live-0");
            assertThat(HttpClientConnection.send(address, "DELETE", "flaky.test", "/" + i)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void forwardingHeadersAreAddedAndHopByHopHeadersRemoved() throws Exception {
        service("echo", backends("echo-0"));
        ingress("echo", null, rule("echo.test", prefix("/", "echo")));
        awaitBody("echo.test", "/", "echo-0");

        Answer answer;
        try (HttpClientConnection connection = new HttpClientConnection(address)) {
            answer = connection.request(
                    "GET",
                    "echo.test:" + address.getPort(),
                    "/headers",
                    Map.of(
                            "X-Forwarded-For", "10.1.2.3",
                            "Connection", "keep-alive, X-Private",
                            "X-Private", "secret",
                            "Keep-Alive", "timeout=5",
                            "X-Kept", "yes"));
            assertThat(connection
                            .request("GET", "echo.test", "/again", Map.of())
                            .body())
                    .isEqualTo("echo-0");
        }

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers())
                .containsEntry("seen-x-forwarded-for", "10.1.2.3, 127.0.0.1")
                .containsEntry("seen-x-forwarded-host", "echo.test:" + address.getPort())
                .containsEntry("seen-x-forwarded-proto", "http")
                .containsEntry("seen-host", "echo.test:" + address.getPort())
                .containsEntry("seen-x-kept", "yes")
                .doesNotContainKeys("seen-x-private", "seen-keep-alive");
    }

    @Test
    void aRuleChangeIsFollowedLiveWithoutAFailedRequest() throws Exception {
        service("blue", backends("blue-0"));
        service("green", backends("green-0"));
        ingress("live", null, rule("live.test", prefix("/", "blue")));
        awaitBody("live.test", "/", "blue-0");

        // one client on a kept-alive connection, one opening a new connection per request, both
        // until green answers them 20 times in a row (bounded by count and by the deadline)
        List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger greenInARow = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<Future<?>> loops = new ArrayList<>();
        try {
            for (boolean keepAlive : new boolean[] {true, false}) {
                loops.add(clients.submit(() -> {
                    long deadline = System.nanoTime() + DEADLINE.toNanos();
                    try (HttpClientConnection connection = new HttpClientConnection(address)) {
                        for (int i = 0; i < 20_000 && greenInARow.get() < 20 && System.nanoTime() < deadline; i++) {
                            Answer answer = keepAlive
                                    ? connection.request("GET", "live.test", "/", Map.of())
                                    : HttpClientConnection.get(address, "live.test", "/");
                            String seen = answer.status() + " " + answer.body();
                            answers.add(seen);
                            if (seen.equals("200 green-0")) {
                                greenInARow.incrementAndGet();
                            } else {
                                greenInARow.set(0);
                            }
                        }
                    }
                    return null;
                }));
            }
            await().atMost(DEADLINE).until(() -> answers.size() >= 20);
            Ingress current = api.ingresses().get(ns, "live");
            api.ingresses()
                    .update(current.toBuilder()
                            .setSpec(current.getSpec().toBuilder().setRules(0, rule("live.test", prefix("/", "green"))))
                            .build());
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }

        assertThat(greenInARow.get()).as("green answering after the change").isGreaterThanOrEqualTo(20);
        assertThat(answers)
                .as("every answer during the change")
                .allMatch(a -> a.equals("200 blue-0") || a.equals("200 green-0"));
        assertThat(answers).contains("200 blue-0", "200 green-0");
    }

    @Test
    void theStatusListsTheProxysAddressAndPort() throws Exception {
        service("status", backends("status-0"));
        ingress("status", null, rule("status.test", prefix("/", "status")));

        await().atMost(DEADLINE)
                .until(() -> api.ingresses()
                                .get(ns, "status")
                                .getStatus()
                                .getLoadBalancer()
                                .getIngressCount()
                        == 1);
        IngressLoadBalancerIngress entry =
                api.ingresses().get(ns, "status").getStatus().getLoadBalancer().getIngress(0);
        assertThat(entry.getIp()).isEqualTo("127.0.0.1");
        assertThat(entry.getPorts(0).getPort()).isEqualTo(address.getPort());

        // a second proxy on the same port (SO_REUSEPORT) finds the status as it wants it: no write
        String version = api.ingresses().get(ns, "status").getMetadata().getResourceVersion();
        try (IngressProxy second =
                IngressProxy.start(api, IngressConfig.defaults().withPort(address.getPort()), "127.0.0.1")) {
            assertThat(second.awaitSynced(DEADLINE)).isTrue();
            assertThat(second.address()).isEqualTo(address);
            assertThat(api.ingresses().get(ns, "status").getMetadata().getResourceVersion())
                    .isEqualTo(version);
        }
    }

    @Test
    void aRollingUpdateOfTheBackendFailsNoRequest() throws Exception {
        List<HttpBackend> old = backends("old-0", "old-1", "old-2");
        service("roll", old);
        ingress("roll", null, rule("roll.test", prefix("/", "roll")));
        awaitBody("roll.test", "/", "old-0", "old-1", "old-2");
        io.capstan.kubelet.ingress.Route route =
                proxy.routes().match("roll.test", "/").orElseThrow();

        AtomicInteger failures = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Set<String> servedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        try {
            for (int c = 0; c < 4; c++) {
                loops.add(clients.submit(() -> {
                    try (HttpClientConnection connection = new HttpClientConnection(address)) {
                        for (int i = 0; i < 125; i++) {
                            Answer answer = connection.request("GET", "roll.test", "/?delayMs=5", Map.of());
                            if (answer.status() == 200) {
                                servedBy.add(answer.body());
                            } else {
                                failures.incrementAndGet();
                            }
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            List<HttpBackend> current = new ArrayList<>(old);
            for (int i = 0; i < old.size(); i++) {
                int step = i;
                // one replica replaced after every 100 requests, so the swap happens under load
                await().atMost(DEADLINE).until(() -> done.get() >= 100 * (step + 1));
                HttpBackend replacement = HttpBackend.start("new-" + i);
                closeables.add(replacement);
                current.add(replacement);
                writeEndpoints("roll", current);
                HttpBackend leaving = current.remove(0);
                writeEndpoints("roll", current);
                int leavingPort = leaving.port();
                await().atMost(DEADLINE)
                        .until(() -> proxy.endpoints(route).stream().noneMatch(e -> e.getPort() == leavingPort));
                leaving.drain(); // lets its requests under way finish
            }
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }

        assertThat(done.get()).isEqualTo(500);
        assertThat(failures.get()).isZero();
        assertThat(servedBy).contains("new-0", "new-1", "new-2");
    }

    // --- fixtures ---

    private List<HttpBackend> backends(String... names) throws IOException {
        List<HttpBackend> result = new ArrayList<>();
        for (String name : names) {
            HttpBackend backend = HttpBackend.start(name);
            closeables.add(backend);
            result.add(backend);
        }
        return result;
    }

    private void service(String name, List<HttpBackend> backends) {
        api.services()
                .create(Service.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                        .setSpec(ServiceSpec.newBuilder()
                                .addPorts(
                                        ServicePort.newBuilder().setName("http").setPort(80)))
                        .build());
        writeEndpoints(name, backends);
    }

    private void writeEndpoints(String name, List<HttpBackend> backends) {
        writeEndpointPorts(name, backends.stream().map(HttpBackend::port).toList());
    }

    private void writeEndpointPorts(String name, List<Integer> ports) {
        Endpoints.Builder endpoints = Endpoints.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name));
        for (int port : ports) {
            endpoints.addSubsets(EndpointSubset.newBuilder()
                    .addAddresses(EndpointAddress.newBuilder().setIp("127.0.0.1"))
                    .addPorts(EndpointPort.newBuilder().setName("http").setPort(port)));
        }
        api.endpoints().apply(endpoints.build());
    }

    private void ingress(String name, String defaultService, IngressRule... rules) {
        IngressSpec.Builder spec = IngressSpec.newBuilder().addAllRules(List.of(rules));
        if (defaultService != null) {
            spec.setDefaultBackend(IngressBackend.newBuilder().setService(backend(defaultService, 80)));
        }
        api.ingresses()
                .create(Ingress.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                        .setSpec(spec)
                        .build());
    }

    private static IngressRule rule(String host, HttpIngressPath... paths) {
        return IngressRule.newBuilder()
                .setHost(host)
                .setHttp(HttpIngressRuleValue.newBuilder().addAllPaths(List.of(paths)))
                .build();
    }

    private static HttpIngressPath prefix(String path, String service) {
        return path(path, PathType.PATH_TYPE_PREFIX, service);
    }

    private static HttpIngressPath path(String path, PathType type, String service) {
        // alternate between the port's number and its name: both must resolve
        IngressServiceBackend backend =
                type == PathType.PATH_TYPE_EXACT ? backend(service, 80) : backendByName(service);
        return HttpIngressPath.newBuilder()
                .setPath(path)
                .setPathType(type)
                .setBackend(IngressBackend.newBuilder().setService(backend))
                .build();
    }

    private static IngressServiceBackend backend(String service, int port) {
        return IngressServiceBackend.newBuilder()
                .setName(service)
                .setPort(ServiceBackendPort.newBuilder().setNumber(port))
                .build();
    }

    private static IngressServiceBackend backendByName(String service) {
        return IngressServiceBackend.newBuilder()
                .setName(service)
                .setPort(ServiceBackendPort.newBuilder().setName("http"))
                .build();
    }

    private Answer get(String host, String path) throws IOException {
        return HttpClientConnection.get(address, host, path);
    }

    /** Waits until requests for host and path are answered by each of {@code names}. */
    private void awaitBody(String host, String path, String... names) {
        Set<String> seen = new HashSet<>();
        await().atMost(DEADLINE).ignoreExceptions().until(() -> {
            Answer answer = get(host, path);
            if (answer.status() == 200) {
                seen.add(answer.body());
            }
            return seen.containsAll(List.of(names));
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
