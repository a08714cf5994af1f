package io.capstan.controllers.deployment;

import com.google.protobuf.CodedOutputStream;
import io.capstan.proto.api.v1.PodTemplateSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code pod-template-hash} of a Deployment's pod template, as Kubernetes' ComputeHash: FNV-1a
 * (32 bit) over the template, then the collision count if any (little-endian in 8 bytes), its
 * decimal form spelled in the 27 characters {@code bcdfghjklmnpqrstvwxz2456789}: at most 10
 * characters, safe in names and label values, with no vowels to spell words.
 *
 * <p>The template is read as its deterministic protobuf bytes (map entries sorted), not Go's
 * object dump, so the values differ from Kubernetes' for the same template. They are stable: equal
 * templates hash equally in every process and version, and fields left at their defaults are not
 * written, so adding a field to the schema changes no existing hash.
 */
public final class TemplateHash {
    /** The label (and selector key) that ties pods and ReplicaSets to one template. */
    public static final String LABEL = "pod-template-hash";

    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private TemplateHash() {}

    /** The hash of {@code template}, salted by {@code collisionCount} when it is not null. */
    public static String of(PodTemplateSpec template, @Nullable Integer collisionCount) {
        int hash = FNV_OFFSET;
        for (byte b : deterministicBytes(template)) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        if (collisionCount != null) {
            int count = collisionCount;
            for (int i = 0; i < 8; i++) {
                int b = i < 4 ? (count >>> (8 * i)) & 0xff : 0;
                hash = (hash ^ b) * FNV_PRIME;
            }
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    private static byte[] deterministicBytes(PodTemplateSpec template) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(template.getSerializedSize());
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            template.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /** Kubernetes' rand.SafeEncodeString. */
    private static String safeEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            out.append(ALPHANUMS.charAt(s.charAt(i) % ALPHANUMS.length()));
        }
        return out.toString();
    }
}
