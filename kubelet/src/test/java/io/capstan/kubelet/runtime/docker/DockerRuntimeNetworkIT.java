package io.capstan.kubelet.runtime.docker;

import static io.capstan.kubelet.runtime.docker.DockerFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.capstan.kubelet.runtime.docker.DockerSettings.NetworkMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reaching a container's server from the host in both network modes: on its host port in host
 * networking, on 127.0.0.1:hostPort published to its declared port in bridge mode.
 */
@ExtendWith(DockerTestSupport.EngineAnswers.class)
class DockerRuntimeNetworkIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tempDir;

    private DockerFixture fixture;

    @BeforeEach
    void connect() {
        fixture = new DockerFixture(tempDir);
    }

    @AfterEach
    void removeContainers() {
        fixture.close();
    }

    @Test
    void inHostNetworkingAServerListensOnTheHostPortFromItsEnvironment() throws Exception {
        DockerRuntime runtime = fixture.runtime(NetworkMode.HOST);
        int hostPort = DockerFixture.freePort();
        assertThat(runtime.portsInEnvironment()).isTrue();

        run(
                runtime,
                fixture.config("web", "sh", "-c", serve("hello from the host network", "127.0.0.1:$PORT"))
                        .port("http", 8080, hostPort)
                        .build());

        assertThat(awaitGet(hostPort, "/index.html")).isEqualTo("hello from the host network\n");
    }

    @Test
    void inBridgeModeTheDeclaredPortIsPublishedOnLoopbackWithoutPortVariables() throws Exception {
        DockerRuntime runtime = fixture.runtime(NetworkMode.BRIDGE);
        int hostPort = DockerFixture.freePort();
        assertThat(runtime.portsInEnvironment()).isFalse();

        String id = run(
                runtime,
                fixture.config("web", "sh", "-c", "env > /tmp/www-env; " + serve("hello from the bridge", "8080"))
                        .port("http", 8080, hostPort)
                        .build());

        assertThat(awaitGet(hostPort, "/index.html")).isEqualTo("hello from the bridge\n");
        assertThat(awaitGet(hostPort, "/env.txt")).doesNotContain("PORT");
        Ports.Binding[] bindings = fixture.inspectRaw(id)
                .getHostConfig()
                .getPortBindings()
                .getBindings()
                .get(ExposedPort.tcp(8080));
        assertThat(bindings).singleElement().satisfies(binding -> {
            assertThat(binding.getHostIp()).isEqualTo("127.0.0.1");
            assertThat(binding.getHostPortSpec()).isEqualTo(Integer.toString(hostPort));
        });
    }

    /** A shell script serving {@code body} as /index.html (and the env as /env.txt) with busybox httpd. */
    private static String serve(String body, String listen) {
        return "mkdir -p /tmp/www && echo '" + body + "' > /tmp/www/index.html"
                + " && (cat /tmp/www-env 2>/dev/null || env) > /tmp/www/env.txt"
                + " && exec httpd -f -p " + listen + " -h /tmp/www";
    }

    private static String awaitGet(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2))
                .build();
        AtomicReference<String> body = new AtomicReference<>();
        await().atMost(DockerFixture.DEADLINE)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    body.set(response.body());
                });
        return body.get();
    }
}
