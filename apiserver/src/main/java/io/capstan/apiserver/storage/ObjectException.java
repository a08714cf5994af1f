package io.capstan.apiserver.storage;

/** A write refused for one named object; carries which object, so the API can name it in its answer. */
public abstract class ObjectException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ObjectKind kind;
    private final String namespace;
    private final String name;

    protected ObjectException(ObjectKind kind, String namespace, String name, String problem) {
        super(String.format("%s %s%s", kind.kindName(), ObjectStorage.displayName(namespace, name), problem));
        this.kind = kind;
        this.namespace = namespace;
        this.name = name;
    }

    public ObjectKind kind() {
        return kind;
    }

    /** Empty for a cluster-scoped kind. */
    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }
}
