package io.capstan.apiserver.service;

/** A create in a namespace that is being deleted: refused, as Kubernetes' namespace lifecycle does. */
public final class NamespaceTerminatingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NamespaceTerminatingException(String namespace) {
        super("namespace " + namespace + " is being terminated: no new objects can be created in it");
    }
}
