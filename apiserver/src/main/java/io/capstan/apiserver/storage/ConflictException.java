package io.capstan.apiserver.storage;

/**
 * A write's resourceVersion precondition no longer holds: the object changed since the caller read
 * it. The API answers ABORTED and the client re-reads and retries.
 */
public final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ObjectKind kind;
    private final String namespace;
    private final String name;
    private final String expectedResourceVersion;
    private final String currentResourceVersion;

    public ConflictException(
            ObjectKind kind,
            String namespace,
            String name,
            String expectedResourceVersion,
            String currentResourceVersion) {
        super(String.format(
                "%s %s: resourceVersion %s is stale, current is %s",
                kind.kindName(),
                ObjectStorage.displayName(namespace, name),
                expectedResourceVersion,
                currentResourceVersion));
        this.kind = kind;
        this.namespace = namespace;
        this.name = name;
        this.expectedResourceVersion = expectedResourceVersion;
        this.currentResourceVersion = currentResourceVersion;
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

    /** The precondition the caller sent. */
    public String expectedResourceVersion() {
        return expectedResourceVersion;
    }

    /** The object's resourceVersion when the write was refused. */
    public String currentResourceVersion() {
        return currentResourceVersion;
    }
}
