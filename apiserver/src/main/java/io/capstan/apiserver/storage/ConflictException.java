package io.capstan.apiserver.storage;

/**
 * A write's resourceVersion precondition no longer holds: the object changed since the caller read
 * it. The API answers ABORTED and the client re-reads and retries.
 */
public final class ConflictException extends ObjectException {
    private static final long serialVersionUID = 1L;

    private final String expectedResourceVersion;
    private final String currentResourceVersion;

    public ConflictException(
            ObjectKind kind,
            String namespace,
            String name,
            String expectedResourceVersion,
            String currentResourceVersion) {
        super(
                kind,
                namespace,
                name,
                String.format(
                        ": resourceVersion %s is stale, current is %s",
                        expectedResourceVersion, currentResourceVersion));
        this.expectedResourceVersion = expectedResourceVersion;
        this.currentResourceVersion = currentResourceVersion;
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
