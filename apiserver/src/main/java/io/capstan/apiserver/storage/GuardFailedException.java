package io.capstan.apiserver.storage;

/**
 * The object's own precondition held, but a compare of the write's {@link TxnGuard} did not: what
 * the guard checked (a namespace, an allocation) changed since it was read. The caller re-reads it
 * and decides again; the store is unchanged.
 */
public final class GuardFailedException extends ObjectException {
    private static final long serialVersionUID = 1L;

    public GuardFailedException(ObjectKind kind, String namespace, String name) {
        super(kind, namespace, name, ": a condition of the write changed meanwhile");
    }
}
