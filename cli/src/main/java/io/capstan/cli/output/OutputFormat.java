package io.capstan.cli.output;

import java.util.Locale;

/** The {@code -o} formats of {@code get}. */
public enum OutputFormat {
    TABLE,
    WIDE,
    YAML,
    JSON,
    NAME;

    /**
     * @throws IllegalArgumentException naming the allowed formats
     */
    public static OutputFormat parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "", "table" -> TABLE;
            case "wide" -> WIDE;
            case "yaml" -> YAML;
            case "json" -> JSON;
            case "name" -> NAME;
            default ->
                throw new IllegalArgumentException("unable to match a printer suitable for the output format \"" + text
                        + "\", allowed formats are: json,name,wide,yaml");
        };
    }
}
