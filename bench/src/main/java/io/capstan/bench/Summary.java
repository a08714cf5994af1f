package io.capstan.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one scenario run: ordered name/value pairs printed once for people and once as a
 * single JSON line that {@code bench/compare.sh} collects. Values are numbers, strings, booleans or a
 * map of name to number. Not thread-safe; filled after the load has stopped.
 */
final class Summary {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Summary(String scenario) {
        fields.put("scenario", scenario);
    }

    Summary put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    /** Adds ops, errors (total and by code), elapsed seconds and throughput. */
    Summary putThroughput(long ops, ErrorCounts errors, double elapsedSeconds) {
        return put("ops", ops)
                .put("errors", errors.total())
                .put("errorsByCode", errors.byCode())
                .put("elapsedSeconds", elapsedSeconds)
                .put("throughput", elapsedSeconds > 0 ? ops / elapsedSeconds : 0.0);
    }

    void print(PrintStream out) {
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            out.printf(Locale.ROOT, "%-22s %s%n", e.getKey(), human(e.getValue()));
        }
        out.println(toJson());
        out.flush();
    }

    String toJson() {
        StringBuilder json = new StringBuilder("{");
        appendObject(json, fields);
        return json.append('}').toString();
    }

    private static void appendObject(StringBuilder json, Map<?, ?> map) {
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(json, String.valueOf(e.getKey()));
            json.append(':');
            appendValue(json, e.getValue());
        }
    }

    private static void appendValue(StringBuilder json, Object value) {
        if (value instanceof Map<?, ?> map) {
            json.append('{');
            appendObject(json, map);
            json.append('}');
        } else if (value instanceof Double d) {
            json.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else {
            appendString(json, String.valueOf(value));
        }
    }

    private static void appendString(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    private static String human(Object value) {
        return value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
    }
}
