package io.capstan.api.manifest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.TypedObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Objects with every field set, built by walking the descriptors, so that a field added to a
 * .proto is exercised by the round-trip tests without touching them. Variant {@code v} picks the
 * {@code v}-th member of each oneof (modulo its size) and sets proto3 {@code optional} scalars to
 * their zero value in variant 0, so that "set to zero" is covered too; {@link #VARIANTS} variants
 * together set every member of every oneof.
 */
final class FilledObjects {
    static final int VARIANTS = 3;

    /** Strings a careless YAML writer would turn into something else (variant 2 uses them). */
    private static final List<String> AWKWARD = List.of(
            "true",
            "yes",
            "null",
            "~",
            "1",
            "0644",
            "1e3",
            "1:30",
            "2026-01-02",
            "",
            " lead",
            "a: b",
            "- x",
            "#c",
            "multi\nline\n",
            "trail\n\n",
            "*x",
            "&x",
            "!x",
            "{x}",
            "[x]",
            "\u00e9t\u00e9",
            "\ttab",
            "'q'",
            "\"q\"",
            "0x1F",
            ".inf",
            "NO",
            "on",
            "<<",
            "=",
            "?",
            ":");

    private FilledObjects() {}

    /** The kind's message with every field set, in a TypedObject. */
    static TypedObject filled(ManifestKind kind, int variant) {
        return ManifestKind.wrap(
                filled(kind.messageType(), variant, TypedObject.newBuilder().newBuilderForField(kind.field()), 0));
    }

    /** Every field of every message reachable from TypedObject, map fields included (not their entries). */
    static Set<FieldDescriptor> reachableFields() {
        Set<FieldDescriptor> fields = new HashSet<>();
        collect(TypedObject.getDescriptor(), fields, new HashSet<>());
        return fields;
    }

    /** The fields {@code message} and its nested messages set. */
    static Set<FieldDescriptor> setFields(Message message) {
        Set<FieldDescriptor> fields = new HashSet<>();
        collectSet(message, fields);
        return fields;
    }

    private static void collect(Descriptor type, Set<FieldDescriptor> fields, Set<Descriptor> seen) {
        if (!seen.add(type) || isLeafMessage(type)) {
            return;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (field.isMapField()) {
                fields.add(field);
                FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
                if (value.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    collect(value.getMessageType(), fields, seen);
                }
                continue;
            }
            fields.add(field);
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                collect(field.getMessageType(), fields, seen);
            }
        }
    }

    private static void collectSet(Message message, Set<FieldDescriptor> fields) {
        if (isLeafMessage(message.getDescriptorForType())) {
            return;
        }
        message.getAllFields().forEach((field, value) -> {
            fields.add(field);
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
                return;
            }
            if (field.isRepeated()) {
                ((List<?>) value).forEach(element -> collectSet((Message) element, fields));
            } else {
                collectSet((Message) value, fields);
            }
        });
    }

    /** Types the manifest form writes as one scalar: their fields are not manifest fields. */
    static boolean isLeafMessage(Descriptor type) {
        return type == Timestamp.getDescriptor() || type == IntOrString.getDescriptor();
    }

    private static Message filled(Descriptor type, int variant, Message.Builder builder, int depth) {
        if (depth > 12) {
            throw new IllegalStateException("message nesting deeper than 12 at " + type.getFullName());
        }
        for (FieldDescriptor field : type.getFields()) {
            OneofDescriptor oneof = field.getRealContainingOneof();
            if (oneof != null && oneof.getField(variant % oneof.getFieldCount()) != field) {
                continue;
            }
            if (field.isMapField()) {
                FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
                FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
                for (String k : List.of("app.kubernetes.io/name", "tier")) {
                    Message.Builder entry = builder.newBuilderForField(field);
                    entry.setField(key, k);
                    entry.setField(value, scalarOrMessage(value, entry, variant, depth, k));
                    builder.addRepeatedField(field, entry.build());
                }
            } else if (field.isRepeated()) {
                for (int i = 0; i < 2; i++) {
                    builder.addRepeatedField(field, scalarOrMessage(field, builder, variant + i, depth, "item" + i));
                }
            } else if (oneof == null && field.getContainingOneof() != null && variant == 0) { // proto3 optional
                builder.setField(field, zero(field));
            } else {
                builder.setField(field, scalarOrMessage(field, builder, variant, depth, ""));
            }
        }
        return builder.build();
    }

    private static Object scalarOrMessage(
            FieldDescriptor field, Message.Builder owner, int variant, int depth, String hint) {
        String text = field.getName() + (hint.isEmpty() ? "" : "-" + hint) + "-" + variant;
        return switch (field.getJavaType()) {
            case INT -> 1000 + field.getNumber() * 10 + variant;
            case LONG -> (1L << 40) + field.getNumber() * 10L + variant;
            case FLOAT -> 0.5f + variant;
            case DOUBLE -> 0.25 + variant;
            case BOOLEAN -> true;
            case STRING -> variant == 2 ? AWKWARD.get((field.getNumber() * 7 + hint.length()) % AWKWARD.size()) : text;
            case BYTE_STRING -> ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff, (byte) variant});
            case ENUM -> {
                List<EnumValueDescriptor> values = field.getEnumType().getValues();
                yield values.get(1 + variant % (values.size() - 1));
            }
            case MESSAGE -> {
                Descriptor type = field.getMessageType();
                if (type == Timestamp.getDescriptor()) {
                    yield Timestamp.newBuilder()
                            .setSeconds(1_767_323_045L + field.getNumber())
                            .setNanos(variant == 0 ? 0 : variant == 1 ? 120_000_000 : 123_456_789)
                            .build();
                }
                if (type == IntOrString.getDescriptor()) {
                    yield (variant + field.getNumber()) % 2 == 0
                            ? IntOrString.newBuilder().setIntVal(8000 + variant).build()
                            : IntOrString.newBuilder().setStrVal("25%").build();
                }
                yield filled(type, variant, owner.newBuilderForField(field), depth + 1);
            }
        };
    }

    private static Object zero(FieldDescriptor field) {
        return switch (field.getJavaType()) {
            case INT -> 0;
            case LONG -> 0L;
            case FLOAT -> 0f;
            case DOUBLE -> 0d;
            case BOOLEAN -> false;
            case STRING -> "";
            case BYTE_STRING -> ByteString.EMPTY;
            case ENUM -> field.getEnumType().findValueByNumber(0);
            case MESSAGE -> throw new IllegalStateException("optional message field " + field.getFullName());
        };
    }
}
