package io.capstan.apiserver.registry;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Field-by-field comparison of two messages of one type, through their descriptors. */
final class ProtoFields {
    private ProtoFields() {}

    /**
     * The fields whose values differ between {@code a} and {@code b}, in declaration order, leaving
     * out the fields named (proto names) in {@code excluded}. Maps compare as maps, whatever their
     * entry order; a field with presence differs when it is set in one and not the other.
     */
    static List<FieldDescriptor> changedFields(Message a, Message b, Set<String> excluded) {
        if (!a.getDescriptorForType().equals(b.getDescriptorForType())) {
            throw new IllegalArgumentException("cannot compare a "
                    + a.getDescriptorForType().getName() + " with a "
                    + b.getDescriptorForType().getName());
        }
        List<FieldDescriptor> changed = new ArrayList<>();
        for (FieldDescriptor field : a.getDescriptorForType().getFields()) {
            if (!excluded.contains(field.getName()) && !only(a, field).equals(only(b, field))) {
                changed.add(field);
            }
        }
        return changed;
    }

    /** {@code message} with every field but {@code field} cleared. */
    private static Message only(Message message, FieldDescriptor field) {
        Message.Builder builder = message.newBuilderForType();
        if (field.isRepeated() || message.hasField(field)) {
            builder.setField(field, message.getField(field));
        }
        return builder.build();
    }
}
