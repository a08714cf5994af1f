package io.capstan.kubelet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.capstan.client.ListOptions;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.alerts.AlertConfig;
import io.capstan.controllers.alerts.AlertController;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.AlertMatch;
import io.capstan.proto.api.v1.AlertRoute;
import io.capstan.proto.api.v1.AlertRouteSpec;
import io.capstan.proto.api.v1.AlertWebhook;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a kubelet's liveness probe checks that {@code /users} of a backend on 127.0.0.1
 * is not null; when the backend turns it to null, the container is restarted and the AlertRoute
 * controller sends exactly one Unhealthy alert to a webhook receiver on 127.0.0.1 (the repeats fall
 * in the route's group window).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubeletAlertsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String users = "{\"users\": [\"ann\", \"bob\"]}";
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    private HttpServer server(ExecutorService threads) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/users", exchange -> {
            try (exchange) {
                byte[] body = users.getBytes(UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.createContext("/hook", exchange -> {
            try (exchange) {
                keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
                bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        server.setExecutor(threads);
        server.start();
        return server;
    }

    @Test
    void usersTurningNullRestartsTheContainerAndSendsOneAlert(@TempDir Path root) throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        HttpServer server = server(threads);
        int port = server.getAddress().getPort();
        try (KubeletHarness harness = KubeletHarness.start(root)) {
            FakeRuntime runtime = new FakeRuntime("alerted", Clock.systemUTC());
            Informer<AlertRoute> routes = Informer.create(harness.api.alertRoutes(), ListOptions.all(), Duration.ZERO);
            Informer<Event> events = Informer.create(harness.api.events(), ListOptions.all(), Duration.ZERO);
            AlertController alerts = new AlertController(
                    routes,
                    events,
                    harness.api.alertRoutes(),
                    new AlertConfig(Duration.ofMillis(100), Duration.ofSeconds(1)),
                    InstantSource.system());
            try (Kubelet kubelet = Kubelet.start(harness.api, harness.config("alerted"), runtime, Clock.systemUTC())) {
                routes.start();
                events.start();
                alerts.start();
                harness.api
                        .alertRoutes()
                        .create(AlertRoute.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setName("ops"))
                                .setSpec(AlertRouteSpec.newBuilder()
                                        .setWebhook(
                                                AlertWebhook.newBuilder().setUrl("http://127.0.0.1:" + port + "/hook"))
                                        .setMatch(AlertMatch.newBuilder()
                                                .addReasons("Unhealthy")
                                                .addNamespaces("default"))
                                        .setGroupWindowSeconds(60))
                                .build());
                Pod created = harness.api.pods().create(KubeletHarness.pod("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: web-1, namespace: default}
                        spec:
                          nodeName: alerted
                          containers:
                          - name: web
                            image: demo
                            livenessProbe:
                              httpGet: {host: 127.0.0.1, port: %d, path: /users, bodyMatch: {jsonPointer: /users}}
                              periodSeconds: 1
                              failureThreshold: 2
                        """.formatted(port)));
                String uid = created.getMetadata().getUid();
                RuntimeContainer first = await().atMost(DEADLINE).until(() -> running(runtime, uid), c -> c != null);

                users = "{\"users\": null}";

                await().atMost(DEADLINE)
                        .until(
                                () -> running(runtime, uid),
                                c -> c != null && c.labels().attempt() >= 1);
                assertThat(running(runtime, uid).id()).isNotEqualTo(first.id());
                await().atMost(DEADLINE).until(() -> !keys.isEmpty());
                // the probe keeps failing: the Event repeats, within the route's window
                await().atMost(DEADLINE)
                        .until(() -> unhealthy(harness, uid) != null
                                && unhealthy(harness, uid).getCount() >= 4);
                await().atMost(DEADLINE)
                        .until(() -> harness.api
                                                .alertRoutes()
                                                .get("", "ops")
                                                .getStatus()
                                                .getDeliveredCount()
                                        == 1
                                && !harness.api
                                        .alertRoutes()
                                        .get("", "ops")
                                        .getStatus()
                                        .hasInFlight());

                assertThat(keys).hasSize(1);
                Event event = unhealthy(harness, uid);
                assertThat(keys.get(0)).startsWith(event.getMetadata().getUid() + "/");
                JsonNode alert = bodies.get(0);
                assertThat(alert.at("/alert/reason").asText()).isEqualTo("Unhealthy");
                assertThat(alert.at("/alert/object/name").asText()).isEqualTo("web-1");
                assertThat(alert.get("text").asText())
                        .startsWith("[Warning] Unhealthy pod default/web-1: ")
                        .contains("body at /users is null");
            } finally {
                alerts.close();
                routes.close();
                events.close();
            }
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private static Event unhealthy(KubeletHarness harness, String podUid) {
        return harness.api.events().list(ListOptions.inNamespace("default")).items().stream()
                .filter(e -> e.getInvolvedObject().getUid().equals(podUid)
                        && e.getReason().equals("Unhealthy"))
                .findFirst()
                .orElse(null);
    }

    private static RuntimeContainer running(FakeRuntime runtime, String uid) {
        return runtime.list().stream()
                .filter(c -> c.labels().podUid().equals(uid) && c.running())
                .findFirst()
                .orElse(null);
    }
}
