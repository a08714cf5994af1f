package io.capstan.apiserver.storage;

/** The object an update, delete or precondition named does not exist. The API answers NOT_FOUND. */
public final class NotFoundException extends ObjectException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(ObjectKind kind, String namespace, String name) {
        super(kind, namespace, name, " not found");
    }
}
