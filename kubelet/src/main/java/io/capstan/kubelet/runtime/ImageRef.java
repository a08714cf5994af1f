package io.capstan.kubelet.runtime;

/**
 * An image made available by {@link ContainerRuntime#ensureImage}.
 *
 * @param image the reference asked for
 * @param imageId the runtime's identity of it (e.g. "sha256:..."), shown as a container's imageID
 * @param pulled whether it was pulled now (the kubelet records a Pulled event) or already present
 */
public record ImageRef(String image, String imageId, boolean pulled) {}
