package io.capstan.kubelet.pod;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Secret;
import java.util.Optional;

/** Where the kubelet reads the ConfigMaps and Secrets its pods consume (an informer cache). */
public interface ConfigSource {
    Optional<ConfigMap> configMap(String namespace, String name);

    Optional<Secret> secret(String namespace, String name);
}
