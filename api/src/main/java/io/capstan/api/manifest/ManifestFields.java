package io.capstan.api.manifest;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.capstan.proto.api.v1.EmptyDirVolumeSource;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ResourceRequirements;
import io.capstan.proto.api.v1.Secret;
import java.util.Set;

/**
 * The few fields whose manifest form the descriptors alone do not give. Named through the generated
 * field numbers, so renaming one in a .proto breaks the build here rather than quietly changing
 * the manifest form.
 */
final class ManifestFields {
    /**
     * Strings that hold resource quantities. Kubernetes' Quantity also reads a bare number ({@code
     * cpu: 1}, {@code memory: 128974848}), so these take a number and keep its text.
     */
    private static final Set<FieldDescriptor> QUANTITIES = Set.of(
            ResourceRequirements.getDescriptor().findFieldByNumber(ResourceRequirements.REQUESTS_FIELD_NUMBER),
            ResourceRequirements.getDescriptor().findFieldByNumber(ResourceRequirements.LIMITS_FIELD_NUMBER),
            NodeStatus.getDescriptor().findFieldByNumber(NodeStatus.CAPACITY_FIELD_NUMBER),
            NodeStatus.getDescriptor().findFieldByNumber(NodeStatus.ALLOCATABLE_FIELD_NUMBER),
            EmptyDirVolumeSource.getDescriptor().findFieldByNumber(EmptyDirVolumeSource.SIZE_LIMIT_FIELD_NUMBER));

    /** Values no error message may quote. */
    private static final Set<FieldDescriptor> SECRETS = Set.of(
            Secret.getDescriptor().findFieldByNumber(Secret.DATA_FIELD_NUMBER),
            Secret.getDescriptor().findFieldByNumber(Secret.STRING_DATA_FIELD_NUMBER));

    private ManifestFields() {}

    /** A string field, or a map field with string values, that holds quantities. */
    static boolean isQuantity(FieldDescriptor field) {
        return QUANTITIES.contains(field);
    }

    static boolean isSecret(FieldDescriptor field) {
        return SECRETS.contains(field);
    }
}
