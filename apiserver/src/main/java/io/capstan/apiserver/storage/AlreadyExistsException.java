package io.capstan.apiserver.storage;

/** A create found an object of the same kind, namespace and name. The API answers ALREADY_EXISTS. */
public final class AlreadyExistsException extends ObjectException {
    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(ObjectKind kind, String namespace, String name) {
        super(kind, namespace, name, " already exists");
    }
}
