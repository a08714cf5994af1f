package io.capstan.kubelet;

import io.capstan.kubelet.node.NodeConfig;
import io.capstan.kubelet.pod.PodTimings;
import java.nio.file.Path;

/**
 * @param node what the kubelet says about its node
 * @param rootDir the kubelet's data: {@code pods/<uid>} (volumes, process-runtime working
 *     directories) and the runtime's state
 * @param timings the pod workers' periods
 */
public record KubeletConfig(NodeConfig node, Path rootDir, PodTimings timings) {
    public Path podsDir() {
        return rootDir.resolve("pods");
    }
}
