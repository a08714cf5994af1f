package io.capstan.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {
    private static final String WRITTEN_BY_SERVER = """
            # Written by the capstan server that minted this cluster's admin token.
            endpoints:
              - 127.0.0.1:7443
              - 127.0.0.1:7444
            token: s3cret-token
            """;

    @Test
    void readsTheFileTheServerWrites(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config");
        Files.writeString(file, WRITTEN_BY_SERVER);

        ClientConfig config = ClientConfig.load(file);

        assertThat(config.endpoints()).containsExactly("127.0.0.1:7443", "127.0.0.1:7444");
        assertThat(config.token()).isEqualTo("s3cret-token");
        assertThat(config.callDeadline()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void overridesReplaceSingleSettings() {
        ClientConfig config = ClientConfig.parse(WRITTEN_BY_SERVER)
                .withEndpoints(List.of("127.0.0.1:9000"))
                .withToken("other")
                .withCallDeadline(Duration.ofSeconds(3));

        assertThat(config.endpoints()).containsExactly("127.0.0.1:9000");
        assertThat(config.token()).isEqualTo("other");
        assertThat(config.callDeadline()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void pathComesFromTheEnvironmentElseTheHomeDirectory() {
        Path home = Path.of("/home/someone");

        assertThat(ClientConfig.defaultPath(Map.of(ClientConfig.ENV, "/etc/capstan/config"), home))
                .isEqualTo(Path.of("/etc/capstan/config"));
        assertThat(ClientConfig.defaultPath(Map.of(), home)).isEqualTo(Path.of("/home/someone/.capstan/config"));
    }

    @Test
    void missingOrWrongFieldsAreNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ClientConfig.parse("token: t\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("endpoints: required");
        assertThatThrownBy(() -> ClientConfig.parse("endpoints: [127.0.0.1:1]\n"))
                .hasMessageStartingWith("token: required");
        assertThatThrownBy(() -> ClientConfig.parse("endpoints: [127.0.0.1:1, nohost]\ntoken: t\n"))
                .hasMessageStartingWith("endpoints[1]: must be host:port");

        Path file = dir.resolve("config");
        Files.writeString(file, "endpoints: []\ntoken: t\n");
        assertThatThrownBy(() -> ClientConfig.load(file))
                .hasMessage(file + ": endpoints: required, a list of host:port");
    }

    @Test
    void toStringKeepsTheTokenSecret() {
        assertThat(ClientConfig.parse(WRITTEN_BY_SERVER).toString())
                .doesNotContain("s3cret")
                .contains("127.0.0.1:7443");
    }
}
