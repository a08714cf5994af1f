package io.capstan.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * RFC 7386 JSON merge patch: a patch object's members merge into the target recursively, a {@code
 * null} member deletes, and any other value (a list included) replaces. Applied to the manifest
 * form of an object ({@link Manifests#toTree}), then read back with {@link Manifests#fromTree}, it
 * is Kubernetes' {@code application/merge-patch+json}.
 *
 * <p>Stateless and thread-safe; neither argument is changed.
 */
public final class MergePatch {
    private MergePatch() {}

    /**
     * {@code target} with {@code patch} applied, as a new tree.
     *
     * @throws ManifestException if {@code patch} is not a JSON object, as Kubernetes refuses such
     *     a patch (RFC 7386 would replace the whole target with it)
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            throw new ManifestException(
                    "", "a merge patch must be a JSON object, got " + ManifestException.describe(patch, false));
        }
        return merge(target, patch);
    }

    /** RFC 7386's MergePatch(Target, Patch), section 2. */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result =
                target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), merge(result.path(member.getKey()), member.getValue()));
            }
        }
        return result;
    }
}
