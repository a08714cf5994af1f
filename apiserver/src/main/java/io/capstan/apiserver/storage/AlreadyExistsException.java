package io.capstan.apiserver.storage;

/** A create found an object of the same kind, namespace and name. The API answers ALREADY_EXISTS. */
public final class AlreadyExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ObjectKind kind;
    private final String namespace;
    private final String name;

    public AlreadyExistsException(ObjectKind kind, String namespace, String name) {
        super(String.format("%s %s already exists", kind.kindName(), ObjectStorage.displayName(namespace, name)));
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
