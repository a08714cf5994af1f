package io.capstan.client;

import io.capstan.proto.api.v1.ObjectMeta;

/**
 * Names one object of a kind: its namespace (empty for cluster-scoped kinds) and name. The key a
 * work queue holds and a cache is looked up by.
 */
public record ObjectKey(String namespace, String name) {

    public ObjectKey {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: required");
        }
    }

    public static ObjectKey of(String namespace, String name) {
        return new ObjectKey(namespace, name);
    }

    /** A cluster-scoped object's key. */
    public static ObjectKey cluster(String name) {
        return new ObjectKey("", name);
    }

    public static ObjectKey of(ObjectMeta metadata) {
        return new ObjectKey(metadata.getNamespace(), metadata.getName());
    }

    /** {@code namespace/name}, or {@code name} when cluster-scoped, as client-go's keys. */
    @Override
    public String toString() {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }
}
