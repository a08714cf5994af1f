package io.capstan.apiserver.storage;

import io.capstan.store.StoreCluster;
import io.capstan.store.StoreServer;
import java.time.Duration;

/** The contract against the leader's embedded store, as the API server in the leader's JVM sees it. */
class EmbeddedKvStoreIT extends KvStoreContract {
    @Override
    KvStore newStore(StoreCluster cluster) {
        StoreServer peer = cluster.peer(cluster.awaitLeader());
        return new EmbeddedKvStore(peer.store(), peer.clientAddress(), Duration.ofSeconds(10));
    }
}
