package io.capstan.kubelet.pod;

import java.util.Set;

/** Whether a pod still receives traffic: some Endpoints list one of its host ports. */
@FunctionalInterface
public interface EndpointsView {
    boolean lists(String namespace, String hostIp, Set<Integer> hostPorts);
}
