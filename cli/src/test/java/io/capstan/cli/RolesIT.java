package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Lease;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.ObjectMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles of the one launcher: {@code capstan server} and {@code capstan controller-manager}, as
 * help in-process and as real processes started from the shaded jar ({@code
 * target/capstan-cli.jar}, built by the package phase before the ITs run), so that what runs is
 * what {@code bin/capstan} runs, merged service files included.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RolesIT {
    private static final Path JAR = Path.of("target", "capstan-cli.jar");
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private record Result(int exitCode, String out, String err) {}

    private static Result capstan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Capstan.execute(
                args, new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void theRolesAreSubcommandsWithTheirOwnHelp() {
        Result root = capstan("--help");
        assertThat(root.exitCode()).isZero();
        assertThat(root.out()).contains("server", "controller-manager");

        Result manager = capstan("controller-manager", "--help");
        assertThat(manager.exitCode()).isZero();
        assertThat(manager.out())
                .startsWith("Usage: capstan controller-manager")
                .contains("--node-monitor-grace-period", "--leader-elect", "--config");

        Result server = capstan("server", "--help");
        assertThat(server.exitCode()).isZero();
        assertThat(server.out()).startsWith("Usage: capstan server").contains("--listen-api", "--data-dir");
    }

    @Test
    void aControllerManagerFromTheJarRunsTheControllersAndTheScheduler(@TempDir Path dir) throws Exception {
        try (ControlPlane plane = ControlPlane.start(1, dir.resolve("plane"));
                ObjectClient client =
                        ObjectClient.connect(ClientConfig.of(List.of(plane.apiAddress(0)), ControlPlane.TOKEN))) {
            createReadyNode(client, "node-1");
            Path log = dir.resolve("controller-manager.log");
            Process manager = launch(
                    log,
                    "controller-manager",
                    "--server",
                    plane.apiAddress(0),
                    "--token",
                    ControlPlane.TOKEN,
                    "--identity",
                    "cm-it");
            try {
                Path manifest = dir.resolve("web.yaml");
                Files.writeString(manifest, """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: web}
                        spec:
                          replicas: 2
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}}
                            spec:
                              containers: [{name: main, image: nginx}]
                        """);
                Result applied = capstan(
                        "--server",
                        plane.apiAddress(0),
                        "--token",
                        ControlPlane.TOKEN,
                        "apply",
                        "-f",
                        manifest.toString());
                assertThat(applied).isEqualTo(new Result(0, "deployment/web created\n", ""));

                // Deployment -> ReplicaSet -> 2 pods, each bound to the one Ready node by the scheduler.
                await().atMost(DEADLINE)
                        .failFast("the controller-manager exited", () -> !manager.isAlive())
                        .untilAsserted(() -> assertThat(client.pods().list("default", LabelSelector.parse("app=web")))
                                .as("pods of web; log:%n%s", read(log))
                                .hasSize(2)
                                .allSatisfy(pod ->
                                        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-1")));
                Lease lease = client.leases().get("kube-system", "capstan-controller-manager");
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("cm-it");
                assertThat(read(log)).contains("became leader (cm-it)"); // a role logs at info
            } finally {
                stop(manager, log);
            }
        }
    }

    @Test
    void aServerFromTheJarServesTheApiAndWritesTheClientConfig(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config");
        Path log = dir.resolve("server.log");
        Process server = launch(
                log,
                "server",
                "--name",
                "server-1",
                "--data-dir",
                dir.resolve("data").toString(),
                "--listen-api",
                "127.0.0.1:0",
                "--listen-client",
                "127.0.0.1:" + freePort(),
                "--listen-peer",
                "127.0.0.1:" + freePort(),
                "--client-config",
                config.toString());
        try {
            await().atMost(DEADLINE)
                    .failFast("the server exited", () -> !server.isAlive())
                    .until(() -> Files.exists(config));
            Result namespaces = capstan("--config", config.toString(), "get", "namespaces", "-o", "name");
            assertThat(namespaces.exitCode()).as(namespaces.err()).isZero();
            assertThat(namespaces.out()).contains("namespace/default", "namespace/kube-system");
        } finally {
            stop(server, log);
        }
    }

    private static Process launch(Path log, String... args) throws IOException {
        assertThat(JAR)
                .as("the shaded jar (mvn package builds it before the ITs)")
                .exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** SIGTERM, as an operator or a script stops a role: its shutdown hook closes it and it exits. */
    private static void stop(Process process, Path log) throws Exception {
        if (!process.isAlive()) {
            System.err.printf("exited early with %d; log:%n%s%n", process.exitValue(), read(log));
        }
        process.destroy();
        boolean exited = process.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(exited)
                .as("exited within 30 s of SIGTERM; log:%n%s", read(log))
                .isTrue();
    }

    private static void createReadyNode(ObjectClient client, String name) {
        Node created = client.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name))
                        .build());
        Node.Builder ready = created.toBuilder();
        ready.getStatusBuilder()
                .putAllocatable("cpu", "4")
                .putAllocatable("memory", "8Gi")
                .putAllocatable("pods", "110")
                .addConditions(
                        NodeCondition.newBuilder().setType("Ready").setStatus(ConditionStatus.CONDITION_STATUS_TRUE));
        client.nodes().updateStatus(ready.build());
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
