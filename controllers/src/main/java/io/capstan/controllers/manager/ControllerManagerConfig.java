package io.capstan.controllers.manager;

import io.capstan.controllers.nodelifecycle.NodeLifecycleConfig;
import java.time.Duration;

/**
 * How the controllers run. {@link #defaults} gives Kubernetes' periods; the local cluster and tests
 * shorten them.
 *
 * @param identity this instance's name, in its Lease and in the events it records
 * @param resync how often informers re-deliver every cached object (0: never)
 * @param nodeLifecycle the node lifecycle controller's periods (grace 40 s, eviction 300 s, ...)
 * @param namespaceRecheck how often a namespace being emptied is checked again
 */
public record ControllerManagerConfig(
        String identity, Duration resync, NodeLifecycleConfig nodeLifecycle, Duration namespaceRecheck) {

    public static ControllerManagerConfig defaults(String identity) {
        return new ControllerManagerConfig(
                identity, Duration.ofMinutes(10), NodeLifecycleConfig.defaults(), Duration.ofSeconds(5));
    }

    public ControllerManagerConfig withNodeLifecycle(NodeLifecycleConfig config) {
        return new ControllerManagerConfig(identity, resync, config, namespaceRecheck);
    }
}
