package io.capstan.e2e;

import static io.capstan.e2e.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.capstan.e2e.LocalCluster.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README tour's two-service app ({@code deploy/examples/app.yaml}) on a local cluster of host
 * processes, as a user meets it: the Ingress routes {@code yourwebsite.local/} to the front and
 * {@code /api} to the api through every kubelet's ingress proxy, the front reaches the api by its
 * Service, {@code dig} against the cluster DNS answers the Services' records, and an api whose
 * {@code /users} turns {@code null} is restarted by its liveness probe and reported once to the
 * AlertRoute's webhook (a receiver on 127.0.0.1 in this test).
 */
class AppExampleIT {
    private static final Path APP_YAML = LocalCluster.ROOT.resolve("deploy/examples/app.yaml");
    private static final String HOST = "yourwebsite.local";
    private static final Pattern WORDS = Pattern.compile("\\s+");

    private LocalCluster cluster;
    private Webhook webhook;

    @BeforeEach
    void start() throws IOException {
        cluster = LocalCluster.create("app", Map.of("CAPSTAN_EXAMPLES", "0"));
        webhook = Webhook.start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            cluster.close();
        } finally {
            webhook.close();
        }
    }

    @Test
    void ingressDnsProbesAndAlertsOfTheTwoServiceApp() throws Exception {
        cluster.up("--runtime", "process");
        cluster.capstanOk("apply", "-f", manifest().toString());
        awaitReady("api", 2);
        awaitReady("front", 2);

        // routing by host and path through the ingress proxy
        await("/ routed to the front", Duration.ofSeconds(60), () -> get("/").startsWith("200 hello from front-"));
        assertThat(get("/api")).matches("200 hello from api-\\S+ api-v1\\s*");
        assertThat(get("/api/")).matches("200 hello from api-\\S+ api-v1\\s*");
        assertThat(get("/api-check")) // served by the front ("/api" matches whole path elements only)
                .matches("(?s)200 .*front-\\S+ -> hello from api-\\S+ api-v1.*");
        assertThat(request("GET", "/", "nosuch.example")).startsWith("404 ");
        Result ingress = cluster.capstanOk("get", "ingress", "site", "-o", "wide");
        assertThat(ingress.output())
                .containsPattern(
                        "site\\s+<none>\\s+" + HOST + "\\s+127\\.0\\.0\\.1\\s+" + cluster.ingressPort() + "\\s")
                .contains(HOST + "/=front:http," + HOST + "/api=api:http");

        // a bad release of one api: /users answers null, the liveness probe restarts it, one alert
        assertThat(webhook.alerts()).as("alerts before the failure").noneMatch(a -> a.contains("Liveness"));
        assertThat(request("POST", "/api/users/null", HOST)).isEqualTo("200 users-null=true\n");
        String[] restarted = new String[1];
        await("an api container restarted", Duration.ofMinutes(2), () -> {
            restarted[0] = podWithRestarts("api");
            return restarted[0] != null;
        });
        String pod = restarted[0];
        await(
                "the liveness alert about " + pod,
                Duration.ofMinutes(1),
                () -> !livenessAlerts(pod).isEmpty());
        awaitReady("api", 2);
        List<String> alerts = livenessAlerts(pod);
        assertThat(alerts).as("liveness alerts about %s", pod).hasSize(1);
        assertThat(alerts.get(0))
                .contains("\"text\"")
                .contains("\"reason\":\"Unhealthy\"")
                .contains("body at /0");
        assertThat(webhook.keys()).as("idempotency keys").doesNotHaveDuplicates();
        Result route = cluster.capstanOk("get", "alertroutes");
        assertThat(route.output()).contains("ops");

        // cluster DNS, asked with dig; last, so that a machine without dig still runs the rest
        Assumptions.assumeTrue(hasDig(), "dig is not installed (apt-get install bind9-dnsutils): DNS checks SKIPPED");
        String clusterIp = clusterIp("api");
        assertThat(dig("api.default.svc.cluster.local")).isEqualTo(clusterIp);
        assertThat(dig("_http._tcp.api.default.svc.cluster.local", "SRV"))
                .isEqualTo("0 100 80 api.default.svc.cluster.local.");
        assertThat(digStatus("nosuch.default.svc.cluster.local")).isEqualTo("NXDOMAIN");
        cluster.capstanOk("apply", "-f", headless().toString());
        await(
                "SRV records of both ready api pods behind the headless Service",
                Duration.ofSeconds(60),
                () -> dig("_http._tcp.api-pods.default.svc.cluster.local", "SRV")
                                .lines()
                                .filter(l ->
                                        l.matches("0 50 \\d+ api-\\S+\\.api-pods\\.default\\.svc\\.cluster\\.local\\."))
                                .count()
                        == 2);
    }

    private Path manifest() throws IOException {
        String text = Files.readString(APP_YAML);
        String url = "url: http://127.0.0.1:9099/alerts";
        assertThat(text).contains(url);
        Path file = cluster.dir().resolve("app.yaml");
        Files.writeString(file, text.replace(url, "url: " + webhook.url()));
        return file;
    }

    private Path headless() throws IOException {
        Path file = cluster.dir().resolve("api-pods.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Service
                metadata:
                  name: api-pods
                spec:
                  clusterIP: None
                  selector: {app: api}
                  ports:
                  - {name: http, port: 80, targetPort: http}
                """);
        return file;
    }

    /** Exactly {@code replicas} pods labelled app=NAME, all Running and Ready. */
    private void awaitReady(String app, int replicas) {
        await(replicas + " Ready " + app + " pods", Duration.ofMinutes(2), () -> {
            List<String> lines = pods(app);
            return lines.size() == replicas && lines.stream().allMatch(l -> l.matches("\\S+\\s+1/1\\s+Running\\s.*"));
        });
    }

    private List<String> pods(String app) throws Exception {
        Result pods = cluster.capstan("get", "pods", "-l", "app=" + app, "--no-headers");
        if (pods.exitCode() != 0) {
            return List.of();
        }
        return pods.output().lines().filter(l -> !l.isBlank()).toList();
    }

    /** The name of a pod labelled app=NAME whose RESTARTS is above 0, or null. */
    private String podWithRestarts(String app) throws Exception {
        for (String line : pods(app)) {
            String[] columns = WORDS.split(line.trim(), -1);
            if (columns.length >= 4 && columns[3].matches("[1-9]\\d*")) {
                return columns[0];
            }
        }
        return null;
    }

    private List<String> livenessAlerts(String pod) {
        return webhook.alerts().stream()
                .filter(a -> a.contains("Liveness probe failed"))
                .filter(a -> a.contains("\"name\":\"" + pod + "\""))
                .toList();
    }

    private String clusterIp(String service) throws Exception {
        String yaml = cluster.capstanOk("get", "service", service, "-o", "yaml").output();
        Matcher m = Pattern.compile("(?m)^\\s*clusterIP: (\\S+)").matcher(yaml);
        assertThat(m.find()).as(yaml).isTrue();
        return m.group(1).replace("\"", "").replace("'", "");
    }

    private String get(String path) throws IOException {
        return request("GET", path, HOST);
    }

    /** "STATUS BODY" of one request through the ingress proxy, on a connection of its own. */
    private String request(String method, String path, String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), cluster.ingressPort()), 5000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host
                            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String status = response.length() >= 12 ? response.substring(9, 12) : response;
            int body = response.indexOf("\r\n\r\n");
            return status + " " + (body < 0 ? "" : response.substring(body + 4));
        }
    }

    private static boolean hasDig() throws Exception {
        Process process = new ProcessBuilder("sh", "-c", "command -v dig").start();
        return process.waitFor() == 0;
    }

    private String dig(String name, String... type) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "dig", "@127.0.0.1", "-p", Integer.toString(cluster.dnsPort()), "+short", "+time=2", "+tries=2"));
        command.add(name);
        command.addAll(List.of(type));
        Result result = cluster.run(Duration.ofSeconds(30), command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }

    /** The status dig reports for {@code name} (NOERROR, NXDOMAIN, ...). */
    private String digStatus(String name) throws Exception {
        Result result = cluster.run(
                Duration.ofSeconds(30),
                "dig",
                "@127.0.0.1",
                "-p",
                Integer.toString(cluster.dnsPort()),
                "+time=2",
                "+tries=2",
                name);
        Matcher m = Pattern.compile("status: (\\w+)").matcher(result.output());
        assertThat(m.find()).as(result.output()).isTrue();
        return m.group(1);
    }

    /** A webhook receiver on 127.0.0.1: keeps every body and Idempotency-Key, answers 200. */
    static final class Webhook implements AutoCloseable {
        private final HttpServer server;
        private final List<String> alerts = new ArrayList<>(); // guarded by itself
        private final List<String> keys = new ArrayList<>(); // guarded by alerts

        private Webhook(HttpServer server) {
            this.server = server;
        }

        static Webhook start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            Webhook webhook = new Webhook(server);
            server.createContext("/alerts", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (webhook.alerts) {
                        webhook.alerts.add(body);
                        webhook.keys.add(
                                String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
                    }
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return webhook;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
        }

        List<String> alerts() {
            synchronized (alerts) {
                return List.copyOf(alerts);
            }
        }

        List<String> keys() {
            synchronized (alerts) {
                return List.copyOf(keys);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
