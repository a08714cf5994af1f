package io.capstan.kubelet.pod;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Secret;
import io.capstan.proto.api.v1.Service;
import java.util.List;
import java.util.Optional;

/**
 * Where the kubelet reads the ConfigMaps and Secrets its pods consume, and the Services whose
 * variables their containers get (informer caches).
 */
public interface ConfigSource {
    Optional<ConfigMap> configMap(String namespace, String name);

    Optional<Secret> secret(String namespace, String name);

    /** The Services of {@code namespace} now; none by default (a source that follows no Services). */
    default List<Service> services(String namespace) {
        return List.of();
    }
}
