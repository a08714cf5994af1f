package io.capstan.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.TypedObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes a {@link TypedObject} as a manifest tree: {@code apiVersion}, {@code kind}, then the
 * kind's fields in proto field order. A field is written when it is set: proto3 {@code optional}
 * fields and message fields when present, other scalars when not at their zero value, lists and
 * maps when not empty. Map keys are sorted, as Kubernetes writes them. Stateless and thread-safe.
 */
final class TreeEncoder {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private TreeEncoder() {}

    static ObjectNode encode(TypedObject object) {
        ManifestKind kind = ManifestKind.of(object);
        ObjectNode manifest = NODES.objectNode();
        manifest.put("apiVersion", kind.apiVersion());
        manifest.put("kind", kind.kind());
        writeFields((Message) object.getField(kind.field()), manifest, FieldPath.ROOT);
        return manifest;
    }

    private static void writeFields(Message message, ObjectNode into, FieldPath path) {
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            FieldPath fieldPath = path.field(field.getJsonName());
            JsonNode value;
            if (field.isMapField()) {
                value = message.getRepeatedFieldCount(field) == 0 ? null : map(message, field, fieldPath);
            } else if (field.isRepeated()) {
                value = message.getRepeatedFieldCount(field) == 0 ? null : list(message, field, fieldPath);
            } else if (field.hasPresence()) {
                value = message.hasField(field) ? value(message.getField(field), field, fieldPath) : null;
            } else {
                Object fieldValue = message.getField(field);
                value = isZero(fieldValue) ? null : value(fieldValue, field, fieldPath);
            }
            if (value != null) {
                into.set(field.getJsonName(), value);
            }
        }
    }

    private static ObjectNode map(Message message, FieldDescriptor field, FieldPath path) {
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByNumber(1);
        FieldDescriptor valueField = entryType.findFieldByNumber(2);
        List<Message> entries = new ArrayList<>();
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            entries.add((Message) message.getRepeatedField(field, i));
        }
        entries.sort(Comparator.comparing(entry -> String.valueOf(entry.getField(keyField))));
        ObjectNode map = NODES.objectNode();
        for (Message entry : entries) {
            String key = String.valueOf(entry.getField(keyField));
            JsonNode value = value(entry.getField(valueField), valueField, path.key(key));
            map.set(key, value == null ? NODES.nullNode() : value);
        }
        return map;
    }

    private static ArrayNode list(Message message, FieldDescriptor field, FieldPath path) {
        ArrayNode list = NODES.arrayNode();
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            JsonNode value = value(message.getRepeatedField(field, i), field, path.index(i));
            list.add(value == null ? NODES.nullNode() : value);
        }
        return list;
    }

    /** One value of {@code field}; null for an IntOrString with neither case set, which means "not given". */
    private static @Nullable JsonNode value(Object value, FieldDescriptor field, FieldPath path) {
        return switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> NODES.numberNode((Integer) value);
            case UINT32, FIXED32 -> NODES.numberNode(Integer.toUnsignedLong((Integer) value));
            case INT64, SINT64, SFIXED64 -> NODES.numberNode((Long) value);
            case UINT64, FIXED64 -> NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)));
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case BOOL -> NODES.booleanNode((Boolean) value);
            case STRING -> NODES.textNode((String) value);
            case BYTES -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> enumValue((EnumValueDescriptor) value, path);
            case MESSAGE, GROUP -> message((Message) value, path);
        };
    }

    private static JsonNode enumValue(EnumValueDescriptor value, FieldPath path) {
        try {
            return NODES.textNode(EnumSpelling.of(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static @Nullable JsonNode message(Message value, FieldPath path) {
        if (value instanceof Timestamp timestamp) {
            return NODES.textNode(Rfc3339.format(timestamp));
        }
        if (value instanceof IntOrString intOrString) {
            return switch (intOrString.getValueCase()) {
                case INT_VAL -> NODES.numberNode(intOrString.getIntVal());
                case STR_VAL -> NODES.textNode(intOrString.getStrVal());
                case VALUE_NOT_SET -> null;
            };
        }
        ObjectNode object = NODES.objectNode();
        writeFields(value, object, path);
        return object;
    }

    private static boolean isZero(Object value) {
        if (value instanceof EnumValueDescriptor enumValue) {
            return enumValue.getNumber() == 0;
        }
        if (value instanceof String string) {
            return string.isEmpty();
        }
        if (value instanceof ByteString bytes) {
            return bytes.isEmpty();
        }
        if (value instanceof Boolean bool) {
            return !bool;
        }
        if (value instanceof Number number) {
            return number instanceof Float || number instanceof Double
                    ? Double.doubleToRawLongBits(number.doubleValue()) == 0L // -0.0 is written
                    : number.longValue() == 0L;
        }
        return false;
    }
}
