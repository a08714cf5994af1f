package io.capstan.cli.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.capstan.api.manifest.ManifestKind;
import io.capstan.api.manifest.Manifests;
import io.capstan.cli.ResourceType;
import io.capstan.client.Kind;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Store keys and values as an operator reads them. A value under {@code /registry/<plural>/} is
 * the protobuf message of that kind (the API server's storage layout), printed as the object it
 * holds, with its resourceVersion filled in from the key's mod revision as the API would; any
 * other value is printed as text when it is UTF-8, else as hex. Stateless.
 */
final class StoredValues {
    private static final String REGISTRY = "/registry/";
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper YAML = new YAMLMapper()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE);
    private static final ObjectMapper JSON = new JsonMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StoredValues() {}

    /**
     * {@code kv} as a tree: key, createRevision, modRevision, version, lease (when it has one) and
     * the value, decoded when {@code decode} is set. A tombstone (a delete event's key) has no value.
     */
    static ObjectNode tree(KeyValue kv, boolean decode) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        String key = text(kv.getKey()).orElseGet(() -> HEX.formatHex(kv.getKey().toByteArray()));
        node.put("key", key);
        node.put("createRevision", kv.getCreateRevision());
        node.put("modRevision", kv.getModRevision());
        node.put("version", kv.getVersion());
        if (kv.getLease() != 0) {
            node.put("lease", Long.toHexString(kv.getLease()));
        }
        if (kv.getValue().isEmpty()) {
            return node;
        }
        Optional<TypedObject> object = decode ? decode(key, kv.getValue(), kv.getModRevision()) : Optional.empty();
        if (object.isPresent()) {
            try {
                node.set("value", Manifests.toTree(object.get()));
                return node;
            } catch (IllegalArgumentException e) {
                // an enum number this build does not know: show the bytes instead
            }
        }
        Optional<String> text = text(kv.getValue());
        if (text.isPresent()) {
            node.put("value", text.get());
        } else {
            node.put("valueHex", HEX.formatHex(kv.getValue().toByteArray()));
        }
        return node;
    }

    /**
     * The object stored under {@code key}, if the key is in an object kind's prefix and the value
     * parses as that kind's message.
     */
    static Optional<TypedObject> decode(String key, ByteString value, long modRevision) {
        if (!key.startsWith(REGISTRY)) {
            return Optional.empty();
        }
        int end = key.indexOf('/', REGISTRY.length());
        if (end < 0) {
            return Optional.empty();
        }
        String plural = key.substring(REGISTRY.length(), end);
        for (ResourceType type : ResourceType.all()) {
            if (type.plural().equals(plural)) {
                return parse(type.kind(), value, modRevision);
            }
        }
        return Optional.empty();
    }

    private static Optional<TypedObject> parse(Kind<?> kind, ByteString value, long modRevision) {
        ManifestKind manifestKind = kind.manifestKind();
        Message message;
        try {
            message = TypedObject.newBuilder()
                    .newBuilderForField(manifestKind.field())
                    .mergeFrom(value)
                    .build();
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
        FieldDescriptor metadataField = message.getDescriptorForType().findFieldByName("metadata");
        if (metadataField != null && metadataField.getMessageType() == ObjectMeta.getDescriptor()) {
            ObjectMeta metadata = (ObjectMeta) message.getField(metadataField);
            if (metadata.getName().isEmpty()) {
                return Optional.empty(); // not an object of this kind after all
            }
            // stored with an empty resourceVersion; the API fills in the key's mod revision
            message = message.toBuilder()
                    .setField(
                            metadataField,
                            metadata.toBuilder()
                                    .setResourceVersion(Long.toString(modRevision))
                                    .build())
                    .build();
        }
        return Optional.of(ManifestKind.wrap(message));
    }

    /** {@code bytes} as a string if they are valid UTF-8 without control characters other than whitespace. */
    static Optional<String> text(ByteString bytes) {
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return Optional.empty();
            }
        }
        return Optional.of(decoded);
    }

    /** One YAML document, without a leading {@code ---}. */
    static String yaml(JsonNode tree) {
        return write(YAML, tree);
    }

    /** Indented JSON, ending with a newline. */
    static String json(JsonNode tree) {
        return write(JSON, tree) + "\n";
    }

    /** The value as text, or hex when it is not UTF-8: etcdctl's simple output. */
    static String raw(ByteString bytes) {
        return text(bytes).orElseGet(() -> HEX.formatHex(bytes.toByteArray()));
    }

    private static String write(ObjectMapper mapper, JsonNode tree) {
        try {
            return mapper.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a tree of plain values failed", e);
        }
    }
}
