package io.capstan.kubelet.ingress;

import io.capstan.proto.api.v1.IngressServiceBackend;

/**
 * Where a matched request goes: a Service of the Ingress's namespace and one of its ports.
 *
 * @param namespace the Ingress's (and so the Service's) namespace
 * @param ingress the name of the Ingress whose rule or default backend matched
 * @param backend the Service and its port, by name or number
 */
public record Route(String namespace, String ingress, IngressServiceBackend backend) {

    /** {@code namespace/service:port}, for logs and error bodies. */
    public String text() {
        String port = backend.getPort().getName().isEmpty()
                ? Integer.toString(backend.getPort().getNumber())
                : backend.getPort().getName();
        return namespace + "/" + backend.getName() + ":" + port;
    }
}
