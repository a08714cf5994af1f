package io.capstan.apiserver.service;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Every test of {@link ObjectApiIT} (the verbs), with the API servers over a real etcd 3.4 server instead
 * of Capstan's store: the API needs nothing from its store beyond etcd's v3 API. Skipped, loudly,
 * when no {@code etcd} binary is installed (.ci/run installs Debian's etcd-server).
 */
class ObjectApiOnEtcdIT extends ObjectApiIT {
    @Override
    ControlPlane startControlPlane(Path root, UnaryOperator<ApiConfig> tune) throws Exception {
        return EtcdProcess.controlPlaneOrSkip("ObjectApiOnEtcdIT", root, tune);
    }
}
