package io.capstan.e2e;

import static io.capstan.e2e.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart as a user runs it: {@code deploy/local/cluster.sh up} (3 servers, a
 * controller-manager and 2 kubelets as separate processes, pods as host processes so that no Docker
 * is needed), {@code bin/capstan apply} of the web example, traffic through its node port spread
 * over the replicas, a rollout to a new version and back with no failed request, delete with
 * cascade, and {@code down} leaving no process of the cluster behind.
 *
 * <p>The cluster runs on a free port offset, in its own directory under {@code e2e/target}, with
 * the example's node port moved to a free one, so that it runs beside other local clusters.
 */
class QuickstartIT {
    private static final Pattern SPACE = Pattern.compile(" ");
    private static final Path WEB_YAML = LocalCluster.ROOT.resolve("deploy/examples/web.yaml");

    private LocalCluster cluster;
    private int nodePort;

    @BeforeEach
    void chooseDirectoryAndPorts() throws IOException {
        cluster = LocalCluster.create("quickstart", Map.of());
        nodePort = cluster.nodePort();
    }

    @AfterEach
    void downAfterAFailure() throws Exception {
        cluster.close();
    }

    @Test
    void quickstartFromUpToDownLeavesNothingBehind() throws Exception {
        Instant start = Instant.now();
        Result upResult = cluster.up("--runtime", "process");
        assertThat(upResult.output())
                .contains("cluster data and logs: " + cluster.dir())
                .contains("$ curl 127.0.0.1:" + nodePort)
                .containsPattern("hello from web-\\S+ v1");
        List<Long> clusterPids = cluster.pids();
        assertThat(clusterPids).hasSize(6); // 3 servers, the controller-manager, 2 kubelets

        // apply as a user would; the same objects again change nothing
        Path v1 = manifest("v1");
        Path v2 = manifest("v2");
        cluster.capstanOk("apply", "-f", v1.toString());
        awaitWebPods("v1 replicas Ready", Duration.ofMinutes(2));

        Set<String> replicas = new HashSet<>();
        await("answers from all 3 replicas through the node port", Duration.ofSeconds(60), () -> {
            replicas.add(pod(get()));
            return replicas.size() == 3;
        });

        rollout("v2", "apply", "-f", v2.toString());
        assertThat(cluster.capstanOk("rollout", "history", "deployment/web").output())
                .containsPattern("(?m)^1\\s")
                .containsPattern("(?m)^2\\s");
        rollout("v1", "rollout", "undo", "deployment/web"); // back to the first revision's template

        Result deleted = cluster.capstanOk("delete", "-f", v1.toString(), "--cascade=background");
        assertThat(deleted.output()).contains("deployment/web deleted").contains("service/web deleted");
        await("the web pods gone with their Deployment", Duration.ofMinutes(2), () -> {
            Result pods = cluster.capstan("get", "pods", "-l", "app=web", "--no-headers");
            return pods.exitCode() == 0 && pods.output().strip().startsWith("No resources found");
        });

        Result down = cluster.down();
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(down.output()).contains("no pod process or container of this cluster is left");
        for (long pid : clusterPids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("pid %d of the cluster after down", pid)
                    .isEmpty();
        }
        assertThat(cluster.podProcesses())
                .as("processes of this cluster's pods")
                .isEmpty();
        assertThat(LocalCluster.pgrep(cluster.dir().toString()))
                .as("processes naming the cluster's directory")
                .isEmpty();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofMinutes(10));
    }

    /**
     * Runs {@code command} (an apply or a rollout undo) while a client sends request after request through the node port,
     * each on a new connection, and waits until every replica answers {@code version}: not one
     * request may fail meanwhile.
     */
    private void rollout(String version, String... command) throws Exception {
        try (Traffic traffic = Traffic.start(nodePort)) {
            await("traffic flowing before the rollout", Duration.ofSeconds(30), () -> traffic.ok() >= 5);
            cluster.capstanOk(command);
            Result status = cluster.run(
                    Duration.ofMinutes(5),
                    LocalCluster.CAPSTAN.toString(),
                    "rollout",
                    "status",
                    "deployment/web",
                    "--timeout",
                    "4m");
            assertThat(status.exitCode()).as(status.output()).isZero();
            assertThat(status.output()).contains("successfully rolled out");
            await("only " + version + " answering", Duration.ofMinutes(4), () -> traffic.lastAllAre(version, 20));
            awaitWebPods("3 Ready pods of " + version + " and no other", Duration.ofMinutes(2));
            assertThat(traffic.failures())
                    .as("failed requests during the rollout to %s", version)
                    .isEmpty();
            assertThat(traffic.versions()).containsKey(version);
        }
    }

    /** Exactly 3 pods labelled app=web, all Running and Ready, none terminating. */
    private void awaitWebPods(String what, Duration timeout) throws Exception {
        await(what, timeout, () -> {
            Result pods = cluster.capstan("get", "pods", "-l", "app=web", "--no-headers");
            if (pods.exitCode() != 0) {
                return false;
            }
            List<String> lines = pods.output().lines().filter(l -> !l.isBlank()).toList();
            return lines.size() == 3 && lines.stream().allMatch(l -> l.matches("\\S+\\s+1/1\\s+Running\\s.*"));
        });
    }

    private Path manifest(String version) throws IOException {
        String text = Files.readString(WEB_YAML)
                .replace("nodePort: 30080", "nodePort: " + nodePort)
                .replace("- {name: MESSAGE, value: v1}", "- {name: MESSAGE, value: " + version + "}");
        assertThat(text).contains("value: " + version + "}").contains("nodePort: " + nodePort);
        Path file = cluster.dir().resolve("web-" + version + ".yaml");
        Files.writeString(file, text);
        return file;
    }

    private String get() throws IOException {
        return Traffic.request(nodePort);
    }

    private static String pod(String answer) {
        String[] words = SPACE.split(answer.trim(), -1);
        return words.length >= 3 ? words[2] : answer;
    }

    /** A client sending GET / over a new connection each time, until closed. */
    static final class Traffic implements AutoCloseable {
        private static final int MAX_REQUESTS = 200_000;
        private static final int RECENT = 50;

        private final int port;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong ok = new AtomicLong();
        private final List<String> failures = new ArrayList<>(); // guarded by itself
        private final Map<String, Long> versions = new ConcurrentHashMap<>();
        private final String[] recent = new String[RECENT]; // guarded by itself
        private final Thread thread;

        private Traffic(int port) {
            this.port = port;
            this.thread = new Thread(this::loop, "e2e-traffic");
        }

        static Traffic start(int port) {
            Traffic traffic = new Traffic(port);
            traffic.thread.setDaemon(true);
            traffic.thread.start();
            return traffic;
        }

        private void loop() {
            for (int i = 0; i < MAX_REQUESTS && !stop.get(); i++) {
                try {
                    String answer = request(port);
                    String[] words = SPACE.split(answer.trim(), -1);
                    String version = words.length >= 4 ? words[3] : "";
                    versions.merge(version, 1L, Long::sum);
                    synchronized (recent) {
                        recent[(int) (ok.get() % RECENT)] = version;
                    }
                    ok.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    synchronized (failures) {
                        failures.add(Instant.now() + " " + e);
                    }
                }
            }
        }

        static String request(int port) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
                    throw new IOException("not 200: "
                            + (response.isEmpty()
                                    ? "(empty response)"
                                    : response.lines().findFirst().orElse("")));
                }
                int body = response.indexOf("\r\n\r\n");
                String text = body < 0 ? "" : response.substring(body + 4);
                if (!text.startsWith("hello from ")) {
                    throw new IOException("unexpected body: " + text);
                }
                return text;
            }
        }

        long ok() {
            return ok.get();
        }

        List<String> failures() {
            synchronized (failures) {
                return List.copyOf(failures);
            }
        }

        Map<String, Long> versions() {
            return Map.copyOf(versions);
        }

        /** Whether the last {@code n} answers (n <= 50) all carried {@code version}. */
        boolean lastAllAre(String version, int n) {
            long count = ok.get();
            if (count < n) {
                return false;
            }
            synchronized (recent) {
                for (long i = count - n; i < count; i++) {
                    if (!version.equals(recent[(int) (i % RECENT)])) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(30_000);
        }
    }
}
