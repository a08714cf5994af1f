package io.capstan.cli.store;

import java.util.Locale;

/** The {@code -o} formats of {@code store get} and {@code store watch}. */
enum ValueFormat {
    /** One document per key, objects decoded. */
    YAML,
    /** The same records as JSON. */
    JSON,
    /** etcdctl's simple output: the key, then the value as stored (text, or hex when binary). */
    RAW;

    /**
     * @throws IllegalArgumentException naming the allowed formats
     */
    static ValueFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "yaml" -> YAML;
            case "json" -> JSON;
            case "raw" -> RAW;
            default ->
                throw new IllegalArgumentException(
                        "-o: unknown output format \"" + text + "\", allowed formats are: yaml,json,raw");
        };
    }
}
