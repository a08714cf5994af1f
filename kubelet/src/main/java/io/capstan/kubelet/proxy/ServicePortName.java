package io.capstan.kubelet.proxy;

import io.capstan.client.ObjectKey;

/**
 * One port of one Service, as kube-proxy's ServicePortName: the service's key and the port's name
 * (empty for a service's only, unnamed port). Endpoints carry the same name on their ports.
 */
record ServicePortName(ObjectKey service, String port) {

    /** {@code namespace/name:port}, or {@code namespace/name} for an unnamed port, as kube-proxy logs it. */
    @Override
    public String toString() {
        return port.isEmpty() ? service.toString() : service + ":" + port;
    }
}
