package io.capstan.api.flags;

import java.time.Duration;

/** Durations as the command lines of every Capstan process take them: "250ms", "30s", "5m", "1h", or bare seconds. */
public final class Durations {
    private Durations() {}

    /** "90s", "5m", "1h", "250ms", or a bare number of seconds. */
    public static Duration parse(String option, String text) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            char unit = t.charAt(t.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(t));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration parsed = switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> null;
            };
            if (parsed != null) {
                return parsed;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                option + ": expected a duration such as 30s, 5m or 1h, got \"" + text + "\"");
    }
}
