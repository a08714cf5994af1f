package io.capstan.apiserver.storage;

import io.capstan.store.StoreCluster;
import java.time.Duration;

/** The contract over gRPC against the cluster's etcd endpoints. */
class RemoteKvStoreIT extends KvStoreContract {
    @Override
    KvStore newStore(StoreCluster cluster) {
        return new RemoteKvStore(cluster.clientAddresses(), Duration.ofSeconds(10));
    }
}
