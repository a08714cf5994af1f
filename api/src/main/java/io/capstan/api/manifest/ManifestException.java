package io.capstan.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A manifest or merge patch that cannot be read: a syntax error, an unknown field, a value of the
 * wrong type, a wrong {@code apiVersion} or {@code kind}. The message starts with the field path,
 * as the API's INVALID_ARGUMENT messages do, e.g. {@code spec.replicas: must be an integer, got
 * "three"}, and ends with where the value was found when the text was parsed here: {@code
 * (document 2, line 14)} for YAML, {@code (line 14)} for JSON.
 *
 * <p>Messages never quote the values of a Secret's {@code data} and {@code stringData}.
 */
public final class ManifestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED_CHARS = 64;

    private final String path;
    private final String reason;
    private final @Nullable String pointer;
    private final int document;
    private final int line;

    /** {@code path} is the dotted field path ("" for the whole document); {@code reason} what is wrong there. */
    public ManifestException(String path, String reason) {
        this(path, reason, null, 0, 0);
    }

    ManifestException(FieldPath at, String reason) {
        this(at.toString(), reason, at.pointer(), 0, 0);
    }

    private ManifestException(String path, String reason, @Nullable String pointer, int document, int line) {
        super(message(path, reason, document, line));
        this.path = path;
        this.reason = reason;
        this.pointer = pointer;
        this.document = document;
        this.line = line;
    }

    /** The dotted path of the offending field, e.g. {@code metadata.labels[app]}; "" for the whole document. */
    public String path() {
        return path;
    }

    /** What is wrong at {@link #path()}, e.g. {@code unknown field}. */
    public String reason() {
        return reason;
    }

    /** The 1-based number of the YAML document within its stream, when read from YAML text. */
    public OptionalInt document() {
        return document > 0 ? OptionalInt.of(document) : OptionalInt.empty();
    }

    /** The 1-based line of the offending value (or of its nearest enclosing field), when read from text. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /** The JSON pointer of the offending value, when it was found by walking a tree. */
    @Nullable
    String pointer() {
        return pointer;
    }

    /** This error, placed in its source text: document 0 for JSON, line 0 when unknown. */
    ManifestException locatedAt(int document, int line) {
        ManifestException located = new ManifestException(path, reason, pointer, document, line);
        located.setStackTrace(getStackTrace());
        return located;
    }

    private static String message(String path, String reason, int document, int line) {
        StringBuilder message = new StringBuilder();
        if (!path.isEmpty()) {
            message.append(path).append(": ");
        }
        message.append(reason);
        if (document > 0 && line > 0) {
            message.append(" (document ")
                    .append(document)
                    .append(", line ")
                    .append(line)
                    .append(')');
        } else if (document > 0) {
            message.append(" (document ").append(document).append(')');
        } else if (line > 0) {
            message.append(" (line ").append(line).append(')');
        }
        return message.toString();
    }

    /**
     * A value as an error message shows it: strings quoted (and cut short), numbers and booleans as
     * written, objects and lists by their shape. A secret value is shown by its shape only.
     */
    static String describe(JsonNode value, boolean secret) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (secret) {
            return value.isTextual()
                    ? "a string"
                    : value.isNumber() ? "a number" : value.isBoolean() ? "a boolean" : "a value";
        }
        if (value.isTextual()) {
            String text = value.textValue();
            if (text.length() > MAX_QUOTED_CHARS) {
                return quote(text.substring(0, MAX_QUOTED_CHARS) + "...");
            }
            return quote(text);
        }
        if (value.isBinary()) {
            return "binary data";
        }
        return value.toString();
    }

    private static String quote(String text) {
        return TextNode.valueOf(text).toString();
    }
}
