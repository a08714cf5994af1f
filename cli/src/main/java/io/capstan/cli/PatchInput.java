package io.capstan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Locale;

/** The patch {@code capstan patch -p} takes, in JSON or YAML, as the JSON merge patch the API wants. */
final class PatchInput {
    private static final JsonMapper JSON = new JsonMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private PatchInput() {}

    /**
     * {@code text} (JSON, or YAML, which takes JSON too) as compact JSON.
     *
     * @throws CommandException naming {@code option} if the text is not an object in either
     */
    static String toJson(String option, String text) {
        if (text.isBlank()) {
            throw new CommandException(option + ": the patch is empty");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException notJson) {
            try {
                tree = YAML.readTree(text);
            } catch (JsonProcessingException notYaml) {
                throw new CommandException(
                        option + ": not valid JSON or YAML: " + firstLine(notJson.getOriginalMessage()));
            }
        }
        if (tree == null || !tree.isObject()) {
            throw new CommandException(option + ": must be a JSON or YAML object, got "
                    + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a parsed tree failed", e);
        }
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
