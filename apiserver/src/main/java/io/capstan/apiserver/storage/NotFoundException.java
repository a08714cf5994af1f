package io.capstan.apiserver.storage;

/** The object an update, delete or precondition named does not exist. The API answers NOT_FOUND. */
public final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ObjectKind kind;
    private final String namespace;
    private final String name;

    public NotFoundException(ObjectKind kind, String namespace, String name) {
        super(String.format("%s %s not found", kind.kindName(), ObjectStorage.displayName(namespace, name)));
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
