package io.capstan.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the API servers are and how to call them. Immutable; the {@code with*} methods return
 * changed copies (for command-line overrides).
 *
 * <p>The file the server writes ({@code --client-config}) is YAML:
 *
 * <pre>
 * endpoints:
 *   - 127.0.0.1:7443
 *   - 127.0.0.1:7444
 * token: 3f9c...
 * </pre>
 *
 * @param endpoints host:port of each API server, tried in this order
 * @param token the bearer token every call carries
 * @param callDeadline how long one call may take in all, its retries included (default 10 s)
 * @param maxAttempts how many times a call is tried when the server is UNAVAILABLE (default 6)
 * @param initialBackoff the pause before a retry once every endpoint has failed (default 50 ms),
 *     doubled after each further failure up to {@code maxBackoff} (default 1 s)
 */
public record ClientConfig(
        List<String> endpoints,
        String token,
        Duration callDeadline,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff) {

    /** The environment variable naming the config file, as the server's {@code --client-config}. */
    public static final String ENV = "CAPSTAN_CONFIG";

    public ClientConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: must not be empty");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            String endpoint = endpoints.get(i);
            int colon = endpoint.lastIndexOf(':');
            if (colon <= 0 || colon == endpoint.length() - 1) {
                throw new IllegalArgumentException("endpoints[" + i + "]: must be host:port, got \"" + endpoint + "\"");
            }
        }
        if (callDeadline.isNegative() || callDeadline.isZero()) {
            throw new IllegalArgumentException("callDeadline: must be positive, got " + callDeadline);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: must be >= 1, got " + maxAttempts);
        }
    }

    public static ClientConfig of(List<String> endpoints, String token) {
        return new ClientConfig(
                endpoints, token, Duration.ofSeconds(10), 6, Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    /** The file named by {@code $CAPSTAN_CONFIG}, else {@code ~/.capstan/config}. */
    public static Path defaultPath() {
        return defaultPath(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Path defaultPath(Map<String, String> env, Path home) {
        String named = env.get(ENV);
        return named != null && !named.isBlank()
                ? Path.of(named)
                : home.resolve(".capstan").resolve("config");
    }

    /** Reads {@link #defaultPath()}. */
    public static ClientConfig load() throws IOException {
        return load(defaultPath());
    }

    /**
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and the field if its content is wrong
     */
    public static ClientConfig load(Path file) throws IOException {
        String yaml = Files.readString(file);
        try {
            return parse(yaml);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the field that is missing or wrong */
    public static ClientConfig parse(String yaml) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("must be a map with endpoints and token");
        }
        JsonNode endpointsNode = root.path("endpoints");
        if (!endpointsNode.isArray() || endpointsNode.isEmpty()) {
            throw new IllegalArgumentException("endpoints: required, a list of host:port");
        }
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < endpointsNode.size(); i++) {
            JsonNode endpoint = endpointsNode.get(i);
            if (!endpoint.isTextual()) {
                throw new IllegalArgumentException("endpoints[" + i + "]: must be a host:port string");
            }
            endpoints.add(endpoint.asText());
        }
        JsonNode token = root.path("token");
        if (!token.isValueNode() || token.asText().isBlank()) {
            throw new IllegalArgumentException("token: required");
        }
        return of(endpoints, token.asText().trim());
    }

    public ClientConfig withEndpoints(List<String> list) {
        return new ClientConfig(list, token, callDeadline, maxAttempts, initialBackoff, maxBackoff);
    }

    public ClientConfig withToken(String bearer) {
        return new ClientConfig(endpoints, bearer, callDeadline, maxAttempts, initialBackoff, maxBackoff);
    }

    public ClientConfig withCallDeadline(Duration deadline) {
        return new ClientConfig(endpoints, token, deadline, maxAttempts, initialBackoff, maxBackoff);
    }

    public ClientConfig withRetries(int attempts, Duration initial, Duration max) {
        return new ClientConfig(endpoints, token, callDeadline, attempts, initial, max);
    }

    /** Leaves the token out: it is a secret. */
    @Override
    public String toString() {
        return "ClientConfig[endpoints=" + endpoints + ", token=<" + (token.isEmpty() ? "none" : "set")
                + ">, callDeadline=" + callDeadline + ", maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff
                + ".." + maxBackoff + "]";
    }
}
