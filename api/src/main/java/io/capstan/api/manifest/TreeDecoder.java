package io.capstan.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.TypedObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a manifest tree into a {@link TypedObject} by walking the descriptors of the kind's
 * message. Strict: the first unknown field or ill-typed value throws a {@link ManifestException}
 * naming its path. Stateless and thread-safe.
 */
final class TreeDecoder {
    private static final Set<String> ENVELOPE = Set.of("apiVersion", "kind");
    private static final Pattern DECIMAL_INTEGER = Pattern.compile("-?[0-9]+");
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger UINT32_MAX = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS_BY_JSON_NAME = new ConcurrentHashMap<>();

    private TreeDecoder() {}

    /** The object described by {@code manifest}, found at {@code at} (the root, or an item of a List). */
    static TypedObject decode(JsonNode manifest, FieldPath at) {
        if (!manifest.isObject()) {
            throw new ManifestException(at, "must be an object, got " + ManifestException.describe(manifest, false));
        }
        ManifestKind kind = kind(manifest, at);
        JsonNode apiVersion = manifest.get("apiVersion");
        FieldPath apiVersionPath = at.field("apiVersion");
        if (apiVersion == null || apiVersion.isNull()) {
            throw new ManifestException(
                    apiVersionPath, "required: \"" + kind.apiVersion() + "\" for kind " + kind.kind());
        }
        if (!apiVersion.isTextual() || !apiVersion.textValue().equals(kind.apiVersion())) {
            throw new ManifestException(
                    apiVersionPath,
                    String.format(
                            "must be \"%s\" for kind %s, got %s",
                            kind.apiVersion(), kind.kind(), ManifestException.describe(apiVersion, false)));
        }
        Message.Builder object = TypedObject.newBuilder().newBuilderForField(kind.field());
        mergeObject(manifest, object, at, ENVELOPE, false);
        return TypedObject.newBuilder().setField(kind.field(), object.build()).build();
    }

    /** The {@code kind} of {@code manifest}, which must be one of {@link ManifestKind}. */
    static ManifestKind kind(JsonNode manifest, FieldPath at) {
        JsonNode kind = manifest.get("kind");
        FieldPath kindPath = at.field("kind");
        if (kind == null || kind.isNull()) {
            throw new ManifestException(kindPath, "required");
        }
        if (!kind.isTextual()) {
            throw new ManifestException(kindPath, "must be a string, got " + ManifestException.describe(kind, false));
        }
        return ManifestKind.forKind(kind.textValue())
                .orElseThrow(() -> new ManifestException(
                        kindPath,
                        String.format(
                                "unknown kind %s; known kinds are %s",
                                ManifestException.describe(kind, false), String.join(", ", ManifestKind.kinds()))));
    }

    private static void mergeObject(
            JsonNode node, Message.Builder builder, FieldPath path, Set<String> skipped, boolean secret) {
        Map<String, FieldDescriptor> fields = fieldsByJsonName(builder.getDescriptorForType());
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            String name = member.getKey();
            if (skipped.contains(name)) {
                continue;
            }
            FieldPath fieldPath = path.field(name);
            FieldDescriptor field = fields.get(name);
            if (field == null) {
                throw new ManifestException(fieldPath, "unknown field");
            }
            JsonNode value = member.getValue();
            if (value.isNull()) {
                continue;
            }
            OneofDescriptor oneof = field.getRealContainingOneof();
            if (oneof != null && builder.hasOneof(oneof)) {
                throw new ManifestException(
                        fieldPath,
                        String.format(
                                "only one of %s may be set, and %s is",
                                oneof.getFields().stream()
                                        .map(FieldDescriptor::getJsonName)
                                        .collect(Collectors.joining(", ")),
                                builder.getOneofFieldDescriptor(oneof).getJsonName()));
            }
            mergeField(builder, field, value, fieldPath, secret || ManifestFields.isSecret(field));
        }
    }

    private static void mergeField(
            Message.Builder builder, FieldDescriptor field, JsonNode value, FieldPath path, boolean secret) {
        if (field.isMapField()) {
            if (!value.isObject()) {
                throw new ManifestException(path, "must be a map, got " + ManifestException.describe(value, secret));
            }
            FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
            FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
            boolean quantity = ManifestFields.isQuantity(field);
            for (Map.Entry<String, JsonNode> member : value.properties()) {
                FieldPath entryPath = path.key(member.getKey());
                Message.Builder entry = builder.newBuilderForField(field);
                entry.setField(keyField, mapKey(member.getKey(), keyField, entryPath));
                if (!member.getValue().isNull()) { // null: the key with its zero value, as in Kubernetes
                    entry.setField(
                            valueField, value(member.getValue(), valueField, entry, entryPath, quantity, secret));
                }
                builder.addRepeatedField(field, entry.build());
            }
        } else if (field.isRepeated()) {
            if (!value.isArray()) {
                throw new ManifestException(path, "must be a list, got " + ManifestException.describe(value, secret));
            }
            for (int i = 0; i < value.size(); i++) {
                FieldPath elementPath = path.index(i);
                JsonNode element = value.get(i);
                if (element.isNull()) {
                    throw new ManifestException(elementPath, "must not be null");
                }
                builder.addRepeatedField(field, value(element, field, builder, elementPath, false, secret));
            }
        } else {
            builder.setField(field, value(value, field, builder, path, ManifestFields.isQuantity(field), secret));
        }
    }

    /** One value of {@code field} (an element, for a list or map); {@code owner} builds {@code field}'s messages. */
    private static Object value(
            JsonNode value,
            FieldDescriptor field,
            Message.Builder owner,
            FieldPath path,
            boolean quantity,
            boolean secret) {
        return switch (field.getJavaType()) {
            case INT -> integer(value, field, path, secret).intValue();
            case LONG -> integer(value, field, path, secret).longValue();
            case FLOAT -> (float) floatingPoint(value, path, secret);
            case DOUBLE -> floatingPoint(value, path, secret);
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw new ManifestException(
                            path, "must be a boolean, got " + ManifestException.describe(value, secret));
                }
                yield value.booleanValue();
            }
            case STRING -> string(value, path, quantity, secret);
            case BYTE_STRING -> bytes(value, path);
            case ENUM -> enumValue(value, field.getEnumType(), path, secret);
            case MESSAGE -> message(value, field, owner, path, secret);
        };
    }

    private static Message message(
            JsonNode value, FieldDescriptor field, Message.Builder owner, FieldPath path, boolean secret) {
        Descriptor type = field.getMessageType();
        if (type == Timestamp.getDescriptor()) {
            return timestamp(value, path, secret);
        }
        if (type == IntOrString.getDescriptor()) {
            return intOrString(value, path, secret);
        }
        if (!value.isObject()) {
            throw new ManifestException(path, "must be an object, got " + ManifestException.describe(value, secret));
        }
        Message.Builder builder = owner.newBuilderForField(field);
        mergeObject(value, builder, path, Set.of(), secret);
        return builder.build();
    }

    private static String string(JsonNode value, FieldPath path, boolean quantity, boolean secret) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (quantity && value.isNumber()) {
            return quantityText(value);
        }
        throw new ManifestException(path, "must be a string, got " + ManifestException.describe(value, secret));
    }

    /** A bare number given for a quantity ({@code cpu: 1}), as the quantity's text. */
    private static String quantityText(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.bigIntegerValue().toString();
        }
        if (number.isBigDecimal()) {
            return number.decimalValue().toPlainString(); // keeps "0.50" as written
        }
        double d = number.doubleValue();
        return Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : number.asText();
    }

    private static BigInteger integer(JsonNode value, FieldDescriptor field, FieldPath path, boolean secret) {
        BigInteger min;
        BigInteger max;
        boolean fromText;
        switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> {
                min = INT32_MIN;
                max = INT32_MAX;
                fromText = false;
            }
            case UINT32, FIXED32 -> {
                min = BigInteger.ZERO;
                max = UINT32_MAX;
                fromText = false;
            }
            case UINT64, FIXED64 -> {
                min = BigInteger.ZERO;
                max = UINT64_MAX;
                fromText = true;
            }
            default -> {
                min = INT64_MIN;
                max = INT64_MAX;
                fromText = true; // protobuf's JSON writes 64-bit integers as strings, so read them too
            }
        }
        BigInteger integer = null;
        if (value.isIntegralNumber()) {
            integer = value.bigIntegerValue();
        } else if (value.isNumber() && Double.isFinite(value.doubleValue())) {
            try {
                integer = value.decimalValue().toBigIntegerExact(); // 3.0 is 3, as Kubernetes' YAML reads it
            } catch (ArithmeticException e) {
                integer = null;
            }
        } else if (fromText
                && value.isTextual()
                && DECIMAL_INTEGER.matcher(value.textValue()).matches()) {
            integer = new BigInteger(value.textValue());
        }
        if (integer == null) {
            throw new ManifestException(path, "must be an integer, got " + ManifestException.describe(value, secret));
        }
        if (integer.compareTo(min) < 0 || integer.compareTo(max) > 0) {
            throw new ManifestException(
                    path,
                    String.format(
                            "must be an integer from %s to %s, got %s",
                            min, max, ManifestException.describe(value, secret)));
        }
        return integer;
    }

    private static double floatingPoint(JsonNode value, FieldPath path, boolean secret) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                return Double.parseDouble(value.textValue());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ManifestException(path, "must be a number, got " + ManifestException.describe(value, secret));
    }

    private static ByteString bytes(JsonNode value, FieldPath path) {
        if (!value.isTextual()) {
            throw new ManifestException(
                    path, "must be a base64 string, got " + ManifestException.describe(value, true));
        }
        // Go's base64 decoder, which Kubernetes uses for []byte, skips line breaks
        String text = value.textValue().replace("\r", "").replace("\n", "");
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw new ManifestException(path, "must be base64 (RFC 4648, with padding)");
        }
    }

    private static Object enumValue(JsonNode value, EnumDescriptor type, FieldPath path, boolean secret) {
        if (value.isTextual()) {
            var found = EnumSpelling.parse(type, value.textValue());
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new ManifestException(
                path,
                String.format(
                        "must be one of %s, got %s",
                        EnumSpelling.spellings(type).stream()
                                .map(s -> "\"" + s + "\"")
                                .collect(Collectors.joining(", ")),
                        ManifestException.describe(value, secret)));
    }

    private static Timestamp timestamp(JsonNode value, FieldPath path, boolean secret) {
        if (value.isTextual()) {
            try {
                return Rfc3339.parse(value.textValue());
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new ManifestException(
                path,
                "must be an RFC 3339 time such as \"2026-01-02T03:04:05Z\", got "
                        + ManifestException.describe(value, secret));
    }

    private static IntOrString intOrString(JsonNode value, FieldPath path, boolean secret) {
        if (value.isTextual()) {
            return IntOrString.newBuilder().setStrVal(value.textValue()).build();
        }
        if (value.isNumber()) {
            FieldDescriptor intVal = IntOrString.getDescriptor().findFieldByNumber(IntOrString.INT_VAL_FIELD_NUMBER);
            return IntOrString.newBuilder()
                    .setIntVal(integer(value, intVal, path, secret).intValue())
                    .build();
        }
        throw new ManifestException(
                path, "must be an integer or a string, got " + ManifestException.describe(value, secret));
    }

    private static Object mapKey(String key, FieldDescriptor keyField, FieldPath path) {
        return switch (keyField.getJavaType()) {
            case STRING -> key;
            case BOOLEAN ->
                switch (key) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new ManifestException(path, "key must be true or false");
                };
            case INT, LONG -> {
                if (!DECIMAL_INTEGER.matcher(key).matches()) {
                    throw new ManifestException(path, "key must be an integer");
                }
                BigInteger integer = integer(BigIntegerNode.valueOf(new BigInteger(key)), keyField, path, false);
                yield keyField.getJavaType() == FieldDescriptor.JavaType.INT
                        ? (Object) integer.intValue()
                        : (Object) integer.longValue();
            }
            default -> throw new IllegalStateException("map key type " + keyField.getType() + " in " + path);
        };
    }

    private static Map<String, FieldDescriptor> fieldsByJsonName(Descriptor type) {
        return FIELDS_BY_JSON_NAME.computeIfAbsent(type, t -> {
            Map<String, FieldDescriptor> byName = new HashMap<>();
            for (FieldDescriptor field : t.getFields()) {
                byName.put(field.getJsonName(), field);
            }
            return Map.copyOf(byName);
        });
    }
}
