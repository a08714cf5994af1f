package io.capstan.kubelet.probe;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capstan.proto.api.v1.HttpBodyMatch;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * The rules of an {@link HttpBodyMatch}, compiled once per attempt: the body contains a string, a
 * regular expression is found in it, and a JSON Pointer (RFC 6901, {@code ~0}/{@code ~1}
 * unescaped) names a value that is present and not null. Every rule given must hold.
 */
final class BodyMatcher {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String contains;
    private final @Nullable Pattern matches;
    private final @Nullable String pointerText;
    private final @Nullable JsonPointer pointer;

    private BodyMatcher(
            String contains, @Nullable Pattern matches, @Nullable String pointerText, @Nullable JsonPointer pointer) {
        this.contains = contains;
        this.matches = matches;
        this.pointerText = pointerText;
        this.pointer = pointer;
    }

    /** Throws IllegalArgumentException naming the field for a bad regex or pointer. */
    static BodyMatcher of(HttpBodyMatch rules) {
        @Nullable Pattern matches = null;
        if (!rules.getMatches().isEmpty()) {
            try {
                matches = Pattern.compile(rules.getMatches());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("matches: invalid regular expression: " + e.getDescription(), e);
            }
        }
        @Nullable JsonPointer pointer = null;
        if (rules.hasJsonPointer()) {
            try {
                pointer = JsonPointer.compile(rules.getJsonPointer());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("jsonPointer: invalid JSON Pointer: " + e.getMessage(), e);
            }
        }
        return new BodyMatcher(
                rules.getContains(), matches, rules.hasJsonPointer() ? rules.getJsonPointer() : null, pointer);
    }

    /** Null when every rule holds, else why the body fails, e.g. {@code body at /users is null}. */
    @Nullable
    String failure(String body) {
        if (!contains.isEmpty() && !body.contains(contains)) {
            return "body does not contain \"" + contains + "\"";
        }
        if (matches != null && !matches.matcher(body).find()) {
            return "body does not match \"" + matches.pattern() + "\"";
        }
        if (pointer != null) {
            JsonNode document;
            try {
                document = JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return "body is not JSON: " + e.getOriginalMessage();
            }
            if (document == null || document.isMissingNode()) {
                return "body is not JSON: empty body";
            }
            JsonNode value = document.at(pointer);
            String where = pointerText == null || pointerText.isEmpty() ? "body" : "body at " + pointerText;
            if (value.isMissingNode()) {
                return where + " is missing";
            }
            if (value.isNull()) {
                return where + " is null";
            }
        }
        return null;
    }
}
