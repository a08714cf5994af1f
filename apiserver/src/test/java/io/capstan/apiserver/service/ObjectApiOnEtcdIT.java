package io.capstan.apiserver.service;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Every test of {@link ObjectApiIT}, with the API servers over a real etcd 3.4 server instead of
 * Capstan's store: the API needs nothing from its store beyond etcd's v3 API. Skipped, loudly, when
 * no {@code etcd} binary is installed (.ci/run installs Debian's etcd-server).
 */
class ObjectApiOnEtcdIT extends ObjectApiIT {
    @Override
    ControlPlane startControlPlane(Path root, UnaryOperator<ApiConfig> tune) throws Exception {
        Optional<Path> etcd = EtcdProcess.binary();
        if (etcd.isEmpty()) {
            System.err.println(
                    "SKIPPED: ObjectApiOnEtcdIT needs an etcd binary on the PATH (apt-get install etcd-server)");
        }
        assumeTrue(etcd.isPresent(), "no etcd binary on the PATH");
        return ControlPlane.startOnEtcd(etcd.get(), 3, root, tune);
    }
}
