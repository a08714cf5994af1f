package io.capstan.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The client config a Capstan server writes when it mints the admin token ({@code --client-config},
 * e.g. {@code $CAPSTAN_DIR/config} of {@code deploy/local/control-plane.sh}):
 *
 * <pre>
 * # Written by the capstan server that minted this cluster's admin token.
 * endpoints:
 *   - 127.0.0.1:6443
 *   - 127.0.0.1:16443
 * token: 3f9c...
 * </pre>
 *
 * Only this small YAML subset is read: comments, {@code endpoints:} followed by {@code - item} lines
 * (or an inline {@code [a, b]} list), and {@code token:}. Other keys are ignored.
 *
 * @param endpoints as written, in order; may be empty
 * @param token the bearer token; empty when the file has none
 */
record ClientConfig(List<String> endpoints, String token) {
    ClientConfig {
        endpoints = List.copyOf(endpoints);
    }

    static ClientConfig read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("--config: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static ClientConfig parse(String text) {
        List<String> endpoints = new ArrayList<>();
        String token = "";
        boolean inEndpoints = false;
        for (String raw : text.split("\\R", -1)) {
            String line = stripComment(raw);
            if (line.isBlank()) {
                continue;
            }
            boolean indented = Character.isWhitespace(line.charAt(0));
            String trimmed = line.trim();
            if (inEndpoints && trimmed.startsWith("-")) {
                endpoints.add(unquote(trimmed.substring(1).trim()));
                continue;
            }
            if (indented && inEndpoints) {
                throw new IllegalArgumentException(
                        "--config: endpoints: expected '- host:port', got '" + trimmed + "'");
            }
            inEndpoints = false;
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = trimmed.substring(0, colon).trim();
            String value = trimmed.substring(colon + 1).trim();
            if (key.equals("token")) {
                token = unquote(value);
            } else if (key.equals("endpoints")) {
                if (value.isEmpty()) {
                    inEndpoints = true;
                } else if (value.startsWith("[") && value.endsWith("]")) {
                    for (String item : value.substring(1, value.length() - 1).split(",", -1)) {
                        if (!item.isBlank()) {
                            endpoints.add(unquote(item.trim()));
                        }
                    }
                } else {
                    endpoints.add(unquote(value));
                }
            }
        }
        return new ClientConfig(endpoints, token);
    }

    private static String stripComment(String line) {
        String trimmed = line.stripLeading();
        return trimmed.startsWith("#") ? "" : line;
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            char last = value.charAt(value.length() - 1);
            if ((first == '"' || first == '\'') && first == last) {
                return value.substring(1, value.length() - 1);
            }
        }
        return value;
    }

    /** {@code endpoints} joined by commas, or null when there are none. */
    @Nullable
    String endpointList() {
        return endpoints.isEmpty() ? null : String.join(",", endpoints);
    }
}
