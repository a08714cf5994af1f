package io.capstan.kubelet.runtime;

/**
 * A container could not be created or started. The reason is the CamelCase word shown as the
 * container's waiting reason, e.g. "CreateContainerError", "StartError".
 */
public class ContainerException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public ContainerException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public ContainerException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
