package io.capstan.kubelet.pod;

/**
 * A container's configuration cannot be made: a ConfigMap, Secret or key it needs is missing. The
 * container waits with reason CreateContainerConfigError and this message until it appears.
 */
final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }
}
