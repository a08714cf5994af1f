package io.capstan.apiserver.watch;

import io.capstan.api.selector.FieldSelector;
import io.capstan.api.selector.LabelSelector;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;

/**
 * Which objects of one kind a list or watch wants: those in {@code namespace} ("" for all) that
 * match both selectors. The constructor throws {@link IllegalArgumentException} if the namespace
 * does not suit the kind or the field selector is for another kind; the message starts with the
 * field ({@code namespace: ...}).
 */
public record ObjectFilter(ObjectKind kind, String namespace, LabelSelector labels, FieldSelector fields) {

    public ObjectFilter {
        if (!kind.isNamespaced() && !namespace.isEmpty()) {
            throw new IllegalArgumentException(
                    "namespace: " + kind.kindName() + " is cluster-scoped, got \"" + namespace + "\"");
        }
        if (namespace.indexOf('/') >= 0) {
            throw new IllegalArgumentException("namespace: must not contain '/', got \"" + namespace + "\"");
        }
        if (fields.kind() != KindCodec.objectCase(kind)) {
            throw new IllegalArgumentException(
                    "fieldSelector: written for " + fields.kind() + ", not " + kind.kindName());
        }
    }

    /** Every object of {@code kind}. */
    public static ObjectFilter everything(ObjectKind kind) {
        return new ObjectFilter(
                kind, "", LabelSelector.everything(), FieldSelector.everything(KindCodec.objectCase(kind)));
    }

    /**
     * The filter of a list or watch request, from its string fields.
     *
     * @throws IllegalArgumentException whose message starts with the offending field: {@code
     *     namespace: }, {@code labelSelector: } or {@code fieldSelector: }
     */
    public static ObjectFilter parse(ObjectKind kind, String namespace, String labelSelector, String fieldSelector) {
        return new ObjectFilter(
                kind,
                namespace,
                LabelSelector.parse(labelSelector),
                FieldSelector.parse(KindCodec.objectCase(kind), fieldSelector));
    }

    /** Whether {@code object} is in this filter's namespace (any, if empty) and matches both selectors. */
    public boolean matches(TypedObject object) {
        ObjectMeta meta = ObjectKind.metadata(object);
        if (!namespace.isEmpty() && !namespace.equals(meta.getNamespace())) {
            return false;
        }
        return labels.matches(meta.getLabelsMap()) && fields.matches(object);
    }

    boolean matches(CachedObject object) {
        if (!namespace.isEmpty() && !namespace.equals(object.metadata().getNamespace())) {
            return false;
        }
        return labels.matches(object.metadata().getLabelsMap()) && fields.matches(object.object());
    }
}
