package io.capstan.cli.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.capstan.cli.CommandException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the store's client ports are when {@code --endpoints} is not given: the {@code
 * storeEndpoints} list of the client config the server writes, next to the API {@code endpoints}:
 *
 * <pre>
 * endpoints:
 *   - 127.0.0.1:6443
 * token: 3f9c...
 * storeEndpoints:
 *   - 127.0.0.1:2379
 * </pre>
 *
 * A config without the list (written before it existed), or no config at all, means {@link
 * #DEFAULT}.
 */
final class StoreEndpoints {
    static final String DEFAULT = "127.0.0.1:2379";

    private StoreEndpoints() {}

    /**
     * @throws CommandException naming the file and the field if the config exists but is wrong
     */
    static List<String> fromConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of(DEFAULT);
        }
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new CommandException("cannot read the client config " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(yaml);
        } catch (IllegalArgumentException e) {
            throw new CommandException(file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code storeEndpoints} of a client config, or {@link #DEFAULT} if it has none. */
    static List<String> parse(String yaml) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
        }
        JsonNode list = root == null ? null : root.get("storeEndpoints");
        if (list == null || list.isNull()) {
            return List.of(DEFAULT);
        }
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("storeEndpoints: must be a non-empty list of host:port");
        }
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode endpoint = list.get(i);
            if (!endpoint.isTextual()) {
                throw new IllegalArgumentException("storeEndpoints[" + i + "]: must be a host:port string");
            }
            endpoints.add(endpoint.asText().trim());
        }
        return check(endpoints, "storeEndpoints");
    }

    /**
     * @throws IllegalArgumentException naming {@code field} and the index of a malformed entry
     */
    static List<String> check(List<String> endpoints, String field) {
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String endpoint = strip(endpoints.get(i).trim());
            int colon = endpoint.lastIndexOf(':');
            boolean portOk = colon > 0 && colon < endpoint.length() - 1;
            if (portOk) {
                try {
                    int port = Integer.parseInt(endpoint.substring(colon + 1));
                    portOk = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    portOk = false;
                }
            }
            if (!portOk) {
                throw new IllegalArgumentException(
                        field + "[" + i + "]: must be host:port, got \"" + endpoints.get(i) + "\"");
            }
            checked.add(endpoint);
        }
        if (checked.isEmpty()) {
            throw new IllegalArgumentException(field + ": must name at least one host:port");
        }
        return List.copyOf(checked);
    }

    /** etcd's client URLs ({@code http://127.0.0.1:2379}) are accepted as endpoints too. */
    private static String strip(String endpoint) {
        for (String scheme : List.of("http://", "https://")) {
            if (endpoint.startsWith(scheme)) {
                return endpoint.substring(scheme.length());
            }
        }
        return endpoint;
    }
}
