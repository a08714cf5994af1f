package io.capstan.kubelet.runtime;

/** The runtime does not know the container (never created, or removed), or it is not running. */
public class NoSuchContainerException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoSuchContainerException(String message) {
        super(message);
    }
}
