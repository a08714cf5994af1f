package io.capstan.apiserver.registry;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** Kubernetes' ValidateObjectMeta and ValidateObjectMetaUpdate, plus the label syntax they share. */
final class MetadataValidation {
    /** Kubernetes' TotalAnnotationSizeLimitB: keys and values together. */
    static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

    private static final FieldPath METADATA = FieldPath.of("metadata");

    private MetadataValidation() {}

    /** The rule for metadata.name: a DNS-1123 label for Namespace, DNS-1035 for Service, else a subdomain. */
    static Function<String, Optional<String>> nameRule(ObjectKind kind) {
        return switch (kind) {
            case NAMESPACE -> Names::dns1123Label;
            case SERVICE -> Names::dns1035Label;
            case NODE,
                    POD,
                    REPLICA_SET,
                    DEPLOYMENT,
                    ENDPOINTS,
                    CONFIG_MAP,
                    SECRET,
                    LEASE,
                    EVENT,
                    INGRESS,
                    ALERT_ROUTE -> Names::dns1123Subdomain;
        };
    }

    static void validate(ObjectMeta meta, ObjectKind kind, ErrorList errors) {
        Function<String, Optional<String>> nameRule = nameRule(kind);
        if (!meta.getName().isEmpty()) {
            errors.add(METADATA.child("name"), nameRule.apply(meta.getName()));
        } else if (meta.getGenerateName().isEmpty()) {
            errors.add(METADATA.child("name"), "required (or metadata.generateName)");
        } else {
            // a prefix may end in '-', as in "web-"; Kubernetes checks it with that dash masked
            String prefix = meta.getGenerateName();
            String masked = prefix.length() > 1 && prefix.endsWith("-")
                    ? prefix.substring(0, prefix.length() - 1) + "a"
                    : prefix;
            if (nameRule.apply(masked).isPresent()) {
                errors.add(METADATA.child("generateName"), nameRule.apply(prefix));
            }
        }

        FieldPath namespace = METADATA.child("namespace");
        if (kind.isNamespaced()) {
            if (meta.getNamespace().isEmpty()) {
                errors.required(namespace);
            } else {
                errors.add(namespace, Names.dns1123Label(meta.getNamespace()));
            }
        } else if (!meta.getNamespace().isEmpty()) {
            errors.add(
                    namespace,
                    "must be empty: " + kind.kindName() + " is cluster-scoped, got \"" + meta.getNamespace() + "\"");
        }

        labels(meta.getLabelsMap(), METADATA.child("labels"), errors);
        annotations(meta.getAnnotationsMap(), METADATA.child("annotations"), errors);
        ownerReferences(meta.getOwnerReferencesList(), errors);
        finalizers(meta.getFinalizersList(), METADATA.child("finalizers"), errors);
    }

    /**
     * What may not change on update: name, namespace, and the uid and creationTimestamp the server
     * set. An empty uid or unset creationTimestamp in {@code updated} means "not given" (the server
     * keeps the stored one), so only a different value is an error. While the object is being
     * deleted, finalizers can be removed but not added.
     */
    static void validateUpdate(ObjectMeta updated, ObjectMeta old, ErrorList errors) {
        if (!updated.getName().equals(old.getName())) {
            errors.immutable(METADATA.child("name"));
        }
        if (!updated.getNamespace().equals(old.getNamespace())) {
            errors.immutable(METADATA.child("namespace"));
        }
        if (!updated.getUid().isEmpty() && !updated.getUid().equals(old.getUid())) {
            errors.immutable(METADATA.child("uid"));
        }
        if (updated.hasCreationTimestamp() && !updated.getCreationTimestamp().equals(old.getCreationTimestamp())) {
            errors.immutable(METADATA.child("creationTimestamp"));
        }
        if (old.hasDeletionTimestamp()) {
            List<String> added = new ArrayList<>(updated.getFinalizersList());
            added.removeAll(old.getFinalizersList());
            if (!added.isEmpty()) {
                errors.add(
                        METADATA.child("finalizers"),
                        "no new finalizers can be added while the object is being deleted, got " + added);
            }
        }
    }

    /** Label keys and values, as in metadata.labels, selectors and spec.nodeSelector. */
    static void labels(Map<String, String> labels, FieldPath path, ErrorList errors) {
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            FieldPath entry = path.key(label.getKey());
            Names.qualifiedName(label.getKey()).ifPresent(problem -> errors.add(entry, "key " + problem));
            errors.add(entry, Names.labelValue(label.getValue()));
        }
    }

    static void annotations(Map<String, String> annotations, FieldPath path, ErrorList errors) {
        long totalBytes = 0;
        for (Map.Entry<String, String> annotation : new TreeMap<>(annotations).entrySet()) {
            // Kubernetes lower-cases annotation keys before checking them
            Names.qualifiedName(annotation.getKey().toLowerCase(Locale.ROOT))
                    .ifPresent(problem -> errors.add(path.key(annotation.getKey()), "key " + problem));
            totalBytes += annotation.getKey().getBytes(StandardCharsets.UTF_8).length;
            totalBytes += annotation.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (totalBytes > ANNOTATIONS_MAX_BYTES) {
            errors.add(path, "must have at most " + ANNOTATIONS_MAX_BYTES + " bytes in total, got " + totalBytes);
        }
    }

    static void finalizers(List<String> finalizers, FieldPath path, ErrorList errors) {
        for (int i = 0; i < finalizers.size(); i++) {
            errors.add(path.index(i), Names.qualifiedName(finalizers.get(i)));
        }
    }

    private static void ownerReferences(List<OwnerReference> references, ErrorList errors) {
        FieldPath path = METADATA.child("ownerReferences");
        int controller = -1;
        for (int i = 0; i < references.size(); i++) {
            OwnerReference reference = references.get(i);
            FieldPath at = path.index(i);
            if (reference.getApiVersion().isEmpty()) {
                errors.required(at.child("apiVersion"));
            }
            if (reference.getKind().isEmpty()) {
                errors.required(at.child("kind"));
            }
            if (reference.getName().isEmpty()) {
                errors.required(at.child("name"));
            }
            if (reference.getUid().isEmpty()) {
                errors.required(at.child("uid"));
            }
            if (reference.getController()) {
                if (controller >= 0) {
                    errors.add(
                            at.child("controller"),
                            "only one reference can have controller true, "
                                    + path.index(controller).child("controller")
                                    + " already has");
                } else {
                    controller = i;
                }
            }
        }
    }
}
