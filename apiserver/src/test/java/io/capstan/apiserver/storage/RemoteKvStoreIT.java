package io.capstan.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.store.StoreCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract over gRPC against the cluster's etcd endpoints, plus failover between them. */
class RemoteKvStoreIT extends KvStoreContract {
    @Override
    KvStore newStore(StoreCluster cluster) {
        return new RemoteKvStore(cluster.clientAddresses(), Duration.ofSeconds(10));
    }

    @Test
    void failsOverWhenTheFirstEndpointIsDown() throws IOException {
        List<String> endpoints = new ArrayList<>();
        endpoints.add(closedAddress());
        endpoints.addAll(cluster().clientAddresses());

        try (KvStore store = new RemoteKvStore(endpoints, Duration.ofSeconds(10))) {
            long first = put(store, "/contract/failover/a", "1");
            long second = put(store, "/contract/failover/a", "2");

            assertThat(second).isGreaterThan(first);
        }
    }

    /** A 127.0.0.1 port nothing listens on: bound, then released. */
    private static String closedAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }
}
