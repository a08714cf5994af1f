package io.capstan.kubelet.runtime;

/** Told when one of the runtime's containers changes state. Must return quickly. */
@FunctionalInterface
public interface ContainerListener {
    void changed(ContainerLabels container, String containerId);
}
