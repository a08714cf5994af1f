package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry-free image of {@code deploy/images/capstan-image.sh}: its wrapper, its jlink'd
 * runtime, and a server started from it with host networking (on 127.0.0.1 and free ports). Runs
 * when a Docker engine answers and the image exists; skipped with the reason otherwise. Every
 * container it starts is removed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CapstanImageIT {
    private static final String IMAGE = System.getProperty("capstan.image", "capstan/capstan:dev");
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private record Result(int exitCode, String out) {}

    private static Result run(Duration timeout, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", args));
            }
            return new Result(
                    process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    @BeforeAll
    static void dockerAndImage() {
        Result engine = run(Duration.ofSeconds(30), "docker", "version", "--format", "{{.Server.Version}}");
        Assumptions.assumeTrue(
                engine.exitCode() == 0,
                () -> "SKIPPED: no Docker engine answers (" + engine.out().strip() + ")");
        Result image = run(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
        Assumptions.assumeTrue(
                image.exitCode() == 0,
                () -> "SKIPPED: no image " + IMAGE + "; build it with deploy/images/capstan-image.sh");
    }

    @Test
    void theWrapperRunsTheClientVerbs() {
        Result version = run(DEADLINE, "docker", "run", "--rm", "--network", "host", IMAGE, "version");

        assertThat(version.exitCode()).as(version.out()).isZero();
        assertThat(version.out()).contains("Client Version: " + Capstan.version());
    }

    @Test
    void theRuntimeHoldsTheModulesLoadedByName() {
        Result modules =
                run(DEADLINE, "docker", "run", "--rm", "--entrypoint", "/opt/java/bin/java", IMAGE, "--list-modules");

        assertThat(modules.exitCode()).as(modules.out()).isZero();
        assertThat(modules.out())
                .contains("java.base@", "java.naming@", "java.management@", "jdk.unsupported@", "jdk.crypto.ec@");
    }

    @Test
    void aServerStartsFromTheImageAndAnswers() throws IOException {
        String name = "capstan-image-it-" + UUID.randomUUID().toString().substring(0, 8);
        int api = freePort();
        int client = freePort();
        int peer = freePort();
        try {
            Result started = run(
                    DEADLINE,
                    "docker",
                    "run",
                    "-d",
                    "--name",
                    name,
                    "--network",
                    "host",
                    IMAGE,
                    "server",
                    "--name=server-1",
                    "--data-dir=/var/lib/capstan/data",
                    "--listen-api=127.0.0.1:" + api,
                    "--listen-client=127.0.0.1:" + client,
                    "--listen-peer=127.0.0.1:" + peer,
                    "--client-config=/var/lib/capstan/config");
            assertThat(started.exitCode()).as(started.out()).isZero();

            await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Result namespaces = run(Duration.ofSeconds(30), "docker", "exec", name, "capstan", "get", "ns");
                assertThat(namespaces.out()).contains("default", "kube-system");
            });
        } finally {
            run(Duration.ofSeconds(60), "docker", "rm", "-f", "-v", name);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
