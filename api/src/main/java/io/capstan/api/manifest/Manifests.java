package io.capstan.api.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.capstan.proto.api.v1.TypedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and writes objects as Kubernetes-shaped manifests, in YAML or JSON (see the {@linkplain
 * io.capstan.api.manifest package} for the mapping). Every method is stateless and thread-safe.
 *
 * <p>Reading is strict: any problem throws {@link ManifestException} with the field path, and for
 * text also the document and line. Writing then reading gives back an equal object, except that an
 * {@code IntOrString} with neither case set is written as absent.
 */
public final class Manifests {
    private static final String LIST_KIND = "List";

    private static final ObjectWriter YAML_WRITER = new YAMLMapper(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .stringQuotingChecker(new Yaml11Quoting())
                    .build())
            .writer();

    private static final ObjectWriter JSON_WRITER = new JsonMapper()
            .writer(new DefaultPrettyPrinter(
                            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private Manifests() {}

    /**
     * Every object in a YAML stream of documents separated by {@code ---}, in order. Empty
     * documents are skipped; a document of {@code kind: List} gives its {@code items}. JSON is
     * YAML, so this reads a JSON object too.
     *
     * @throws ManifestException naming the path, document and line of the first problem
     */
    public static List<TypedObject> readYaml(String yaml) {
        List<TypedObject> objects = new ArrayList<>();
        for (SourceReader.Document document : SourceReader.readYaml(yaml)) {
            if (!document.root().isNull()) {
                objects.addAll(document.decode(Manifests::fromTreeOrList));
            }
        }
        return objects;
    }

    /**
     * The object of one JSON manifest.
     *
     * @throws ManifestException naming the path and line of the first problem
     */
    public static TypedObject readJson(String json) {
        return SourceReader.readJson(json).decode(Manifests::fromTree);
    }

    /**
     * The object of one manifest tree ({@code apiVersion}, {@code kind}, {@code metadata}, ...).
     * A {@code kind: List} is refused here; {@link #readYaml} expands it.
     *
     * @throws ManifestException naming the path of the first problem
     */
    public static TypedObject fromTree(JsonNode manifest) {
        if (manifest.isObject() && manifest.path("kind").asText().equals(LIST_KIND)) {
            throw new ManifestException(
                    FieldPath.ROOT.field("kind"), "a List holds several objects where one is expected");
        }
        return TreeDecoder.decode(manifest, FieldPath.ROOT);
    }

    /**
     * {@code object} as a manifest tree: {@code apiVersion}, {@code kind}, then the kind's fields
     * in proto field order. The tree is new and the caller may change it.
     *
     * @throws IllegalArgumentException if {@code object} has no kind set, or holds an enum number
     *     its .proto does not declare
     */
    public static ObjectNode toTree(TypedObject object) {
        return TreeEncoder.encode(object);
    }

    /** {@code object} as one YAML document, without a leading {@code ---}. */
    public static String toYaml(TypedObject object) {
        return write(YAML_WRITER, toTree(object));
    }

    /** {@code objects} as a YAML stream, one document each, separated by {@code ---}. */
    public static String toYaml(List<TypedObject> objects) {
        List<String> documents = new ArrayList<>();
        for (TypedObject object : objects) {
            documents.add(toYaml(object));
        }
        return String.join("---\n", documents);
    }

    /** {@code object} as indented JSON. */
    public static String toJson(TypedObject object) {
        return write(JSON_WRITER, toTree(object)) + "\n";
    }

    private static List<TypedObject> fromTreeOrList(JsonNode manifest) {
        if (!manifest.isObject() || !manifest.path("kind").asText().equals(LIST_KIND)) {
            return List.of(fromTree(manifest));
        }
        FieldPath root = FieldPath.ROOT;
        for (var member : manifest.properties()) {
            switch (member.getKey()) {
                case "apiVersion" -> {
                    if (!member.getValue().asText().equals("v1")) {
                        throw new ManifestException(
                                root.field("apiVersion"),
                                "must be \"v1\" for kind List, got "
                                        + ManifestException.describe(member.getValue(), false));
                    }
                }
                case "kind", "metadata", "items" -> {
                    // metadata of a List (resourceVersion, continue) describes a listing, not objects
                }
                default -> throw new ManifestException(root.field(member.getKey()), "unknown field");
            }
        }
        JsonNode items = manifest.path("items");
        if (items.isMissingNode() || items.isNull()) {
            return List.of();
        }
        if (!items.isArray()) {
            throw new ManifestException(
                    root.field("items"), "must be a list, got " + ManifestException.describe(items, false));
        }
        List<TypedObject> objects = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            objects.add(TreeDecoder.decode(items.get(i), root.field("items").index(i)));
        }
        return objects;
    }

    private static String write(ObjectWriter writer, JsonNode tree) {
        try {
            return writer.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a tree of plain values failed", e);
        }
    }

    /**
     * Quotes, beyond what Jackson quotes, the strings a YAML 1.1 reader such as kubectl's would
     * take for something else: sexagesimal numbers ({@code 1:30}) and dates ({@code 2026-01-02}).
     */
    private static final class Yaml11Quoting extends StringQuotingChecker.Default {
        private static final long serialVersionUID = 1L;
        private static final Pattern SEXAGESIMAL = Pattern.compile("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");
        private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \\t].*)?");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value)
                    || SEXAGESIMAL.matcher(value).matches()
                    || DATE.matcher(value).matches();
        }

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name)
                    || SEXAGESIMAL.matcher(name).matches()
                    || DATE.matcher(name).matches();
        }
    }
}
