package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiOptionsTest {
    @TempDir
    Path dir;

    @Test
    void takesEndpointsAndTokenFromTheConfig() throws IOException {
        ApiOptions options = new ApiOptions();
        options.config = config("endpoints:\n  - 127.0.0.1:6443\n  - 127.0.0.1:16443\ntoken: file-token\n");

        ApiOptions.Target target = options.resolve(Map.of());

        assertThat(target.endpoints())
                .containsExactly(new Endpoint("127.0.0.1", 6443), new Endpoint("127.0.0.1", 16443));
        assertThat(target.token()).isEqualTo("file-token");
    }

    @Test
    void flagsOverrideTheConfigNamedByCapstanConfig() throws IOException {
        Path file = config("endpoints:\n  - 127.0.0.1:6443\ntoken: file-token\n");
        ApiOptions options = new ApiOptions();
        options.endpoints = "127.0.0.1:26443";
        options.token = "flag-token";

        ApiOptions.Target target = options.resolve(Map.of("CAPSTAN_CONFIG", file.toString()));

        assertThat(target.endpoints()).containsExactly(new Endpoint("127.0.0.1", 26443));
        assertThat(target.token()).isEqualTo("flag-token");
    }

    @Test
    void refusesARunWithoutToken() {
        ApiOptions options = new ApiOptions();
        options.endpoints = "127.0.0.1:6443";

        assertThatThrownBy(() -> options.resolve(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--token: required (or --config with a token)");
    }

    @Test
    void refusesAnEndpointOffLoopbackEvenFromTheConfig() throws IOException {
        ApiOptions options = new ApiOptions();
        options.config = config("endpoints:\n  - 10.0.0.5:6443\ntoken: t\n");

        assertThatThrownBy(() -> options.resolve(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--endpoints: only 127.0.0.1 is allowed, got 10.0.0.5");
    }

    private Path config(String text) throws IOException {
        Path file = dir.resolve("config");
        Files.writeString(file, text);
        return file;
    }
}
