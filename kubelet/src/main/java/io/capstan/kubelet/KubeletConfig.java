package io.capstan.kubelet;

import io.capstan.kubelet.node.NodeConfig;
import io.capstan.kubelet.pod.PodTimings;
import io.capstan.kubelet.proxy.ProxyConfig;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * @param node what the kubelet says about its node
 * @param rootDir the kubelet's data: {@code pods/<uid>} (volumes, process-runtime working
 *     directories) and the runtime's state
 * @param timings the pod workers' periods
 * @param proxy the service proxy's settings, or null to run no proxy on this node
 */
public record KubeletConfig(
        NodeConfig node,
        Path rootDir,
        PodTimings timings,
        @Nullable ProxyConfig proxy) {

    /** A kubelet without a service proxy (hollow nodes, tests of the pod lifecycle). */
    public KubeletConfig(NodeConfig node, Path rootDir, PodTimings timings) {
        this(node, rootDir, timings, null);
    }

    public KubeletConfig withProxy(ProxyConfig config) {
        return new KubeletConfig(node, rootDir, timings, config);
    }

    public Path podsDir() {
        return rootDir.resolve("pods");
    }
}
