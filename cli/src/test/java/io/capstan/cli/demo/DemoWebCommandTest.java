package io.capstan.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.cli.Capstan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoWebCommandTest {
    private static DemoWebCommand.Settings settings(Map<String, String> env, String... args) {
        DemoWebCommand command = new DemoWebCommand(env);
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void thePortFlagWinsOverPortFromTheKubelet() {
        assertThat(settings(Map.of("PORT", "41000"), "--port", "42000")
                        .address()
                        .getPort())
                .isEqualTo(42000);
    }

    @Test
    void portComesFromTheEnvironmentThenTheDefault() {
        assertThat(settings(Map.of("PORT", "41000")).address().getPort()).isEqualTo(41000);
        assertThat(settings(Map.of()).address().getPort()).isEqualTo(8080);
    }

    @Test
    void aPortThatIsNoNumberNamesTheVariable() {
        assertThatThrownBy(() -> settings(Map.of("PORT", "http")))
                .hasMessage("$PORT: expected a port number, got \"http\"");
    }

    @Test
    void upstreamIsTheFlagElseTheEnvironmentElseNone() {
        assertThat(settings(Map.of("UPSTREAM", "http://127.77.0.5:80"), "--upstream", "http://127.0.0.1:9000")
                        .upstream())
                .hasToString("http://127.0.0.1:9000");
        assertThat(settings(Map.of("UPSTREAM", "http://127.77.0.5:80")).upstream())
                .hasToString("http://127.77.0.5:80");
        assertThat(settings(Map.of()).upstream()).isNull();
    }

    @Test
    void anUpstreamThatIsNoHttpUrlNamesItsSource() {
        assertThatThrownBy(() -> settings(Map.of("UPSTREAM", "http://$(API_SERVICE_HOST):80")))
                .hasMessageStartingWith("$UPSTREAM: ");
        assertThatThrownBy(() -> settings(Map.of(), "--upstream", "api:80"))
                .hasMessage("--upstream: expected http://HOST:PORT or https://HOST:PORT, got \"api:80\"");
    }

    @Test
    void listensOnLoopbackByDefault() {
        assertThat(settings(Map.of()).address().getHostString()).isEqualTo("127.0.0.1");
    }

    @Test
    void podNameIsPodNameElseHostname() {
        assertThat(settings(Map.of("HOSTNAME", "web-1", "POD_NAME", "web-2")).podName())
                .isEqualTo("web-2");
        assertThat(settings(Map.of("HOSTNAME", "web-1")).podName()).isEqualTo("web-1");
        assertThat(settings(Map.of()).podName()).isEqualTo("demo-web");
    }

    @Test
    void messageFlagWinsOverTheEnvironment() {
        assertThat(settings(Map.of("MESSAGE", "v1"), "--message", "v2").message())
                .isEqualTo("v2");
        assertThat(settings(Map.of("MESSAGE", "v1")).message()).isEqualTo("v1");
        assertThat(settings(Map.of()).message()).isEmpty();
    }

    @Test
    void usersNullFromTheEnvironment() {
        assertThat(settings(Map.of("USERS_NULL", "1")).usersNull()).isTrue();
        assertThat(settings(Map.of("USERS_NULL", "0")).usersNull()).isFalse();
        assertThat(settings(Map.of()).usersNull()).isFalse();
    }

    /** As the kubelet stops a container: SIGTERM, after which the process must end on its own. */
    @Test
    void sigtermStopsTheServerCleanly() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(
                        java.toString(),
                        "-Xmx64m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Capstan.class.getName(),
                        "demo-web",
                        "--port",
                        "0",
                        "--message",
                        "v1")
                .redirectErrorStream(true);
        builder.environment().put("HOSTNAME", "web-test");
        Process process = builder.start();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            assertThat(first).isNotNull();
            Matcher matcher = Pattern.compile("demo-web web-test listening on http://127.0.0.1:(\\d+)/ message=v1")
                    .matcher(first);
            assertThat(matcher.matches()).as(first).isTrue();
            int port = Integer.parseInt(matcher.group(1));
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("hello from web-test v1\n");

            process.toHandle().destroy(); // SIGTERM; Process.destroy would close our end of its output
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            List<String> rest = new ArrayList<>();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                rest.add(line);
            }
            assertThat(rest)
                    .containsExactly("demo-web web-test stopping after 1 requests", "demo-web web-test stopped");
            assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM, as for any JVM ended by it
        } finally {
            process.destroyForcibly();
        }
    }
}
