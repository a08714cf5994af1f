package io.capstan.api.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Parses YAML or JSON text into trees, remembering the line each value came from, so that an error
 * found later by walking a tree can say where in the text it is. Numbers keep their written
 * precision ({@code 0.50} stays a decimal, not a double). Duplicate keys and YAML aliases are
 * refused: Kubernetes' strict decoding refuses the first, and the second would let one value stand
 * for another where the error path could not say which.
 */
final class SourceReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private SourceReader() {}

    /**
     * One parsed document: its 1-based number in a YAML stream (0 for JSON), its tree, and the line
     * of each value by JSON pointer.
     */
    record Document(int number, JsonNode root, Map<String, Integer> lines) {
        /** {@code read(root)}, with any {@link ManifestException} it throws placed in this document. */
        <T> T decode(Function<JsonNode, T> read) {
            try {
                return read.apply(root);
            } catch (ManifestException e) {
                throw e.locatedAt(number, lineOf(e.pointer()));
            }
        }

        /** The line of the value at {@code pointer}, or of its nearest recorded ancestor; 0 if unknown. */
        int lineOf(@Nullable String pointer) {
            if (pointer == null) {
                return 0;
            }
            String at = pointer;
            while (true) {
                Integer line = lines.get(at);
                if (line != null) {
                    return line;
                }
                if (at.isEmpty()) {
                    return 0;
                }
                at = at.substring(0, at.lastIndexOf('/'));
            }
        }
    }

    /** Every document of a YAML stream, empty ones (null) included, so that numbers match the text. */
    static List<Document> readYaml(String text) {
        List<Document> documents = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(text)) {
            while (true) {
                int number = documents.size() + 1;
                try {
                    if (parser.nextToken() == null) {
                        break;
                    }
                    Map<String, Integer> lines = new HashMap<>();
                    JsonNode root = readValue(parser, FieldPath.ROOT, lines);
                    documents.add(new Document(number, root, lines));
                } catch (ManifestException e) {
                    throw e.locatedAt(number, line(parser.currentTokenLocation()));
                } catch (JsonProcessingException e) {
                    throw syntaxError("YAML", e).locatedAt(number, line(e.getLocation()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String fails only as a syntax error, above
        }
        return documents;
    }

    /** The one JSON value of {@code text}. */
    static Document readJson(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            try {
                if (parser.nextToken() == null) {
                    throw new ManifestException(FieldPath.ROOT, "no JSON value in the text");
                }
                Map<String, Integer> lines = new HashMap<>();
                JsonNode root = readValue(parser, FieldPath.ROOT, lines);
                if (parser.nextToken() != null) {
                    throw new ManifestException(FieldPath.ROOT, "more than one JSON value in the text");
                }
                return new Document(0, root, lines);
            } catch (ManifestException e) {
                throw e.locatedAt(0, line(parser.currentTokenLocation()));
            } catch (JsonProcessingException e) {
                throw syntaxError("JSON", e).locatedAt(0, line(e.getLocation()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ManifestException syntaxError(String format, JsonProcessingException e) {
        String original = e.getOriginalMessage();
        String detail = original == null ? e.getClass().getSimpleName() : firstLines(original);
        ManifestException error = new ManifestException(FieldPath.ROOT, "invalid " + format + ": " + detail);
        error.initCause(e);
        return error;
    }

    /**
     * A parser's message on one line. SnakeYAML's messages quote the source under each line that
     * says what went wrong ("while parsing a flow sequence", then " in 'reader', line 7, ..." and
     * the source line); the location travels separately, so only the unindented lines are kept.
     */
    private static String firstLines(String message) {
        return message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining(": "));
    }

    /** The value at the parser's current token, which starts it; leaves the parser on its last token. */
    private static JsonNode readValue(JsonParser parser, FieldPath path, Map<String, Integer> lines)
            throws IOException {
        lines.putIfAbsent(path.pointer(), line(parser.currentTokenLocation()));
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    FieldPath member = path.field(name);
                    lines.put(member.pointer(), line(parser.currentTokenLocation()));
                    if (object.has(name)) {
                        throw new ManifestException(member, "duplicate key");
                    }
                    parser.nextToken();
                    object.set(name, readValue(parser, member, lines));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(parser, path.index(array.size()), lines));
                }
                return array;
            }
            case VALUE_STRING -> {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new ManifestException(path, "YAML aliases (*" + parser.getText() + ") are not supported");
                }
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                try {
                    return NODES.numberNode(new BigDecimal(parser.getText()));
                } catch (NumberFormatException e) {
                    return NODES.numberNode(parser.getDoubleValue()); // YAML's .inf and .nan
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new ManifestException(path, "unsupported value (" + token + ")");
        }
    }

    private static int line(@Nullable JsonLocation location) {
        return location == null ? 0 : Math.max(location.getLineNr(), 0);
    }
}
