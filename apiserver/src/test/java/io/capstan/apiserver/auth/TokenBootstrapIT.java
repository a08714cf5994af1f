package io.capstan.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.apiserver.storage.EmbeddedKvStore;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.store.StoreCluster;
import io.capstan.store.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Minting the admin token of a new cluster: the first server mints, the others get nothing, and a
 * server that retries with its candidate (its first attempt timed out but was committed) gets its
 * token back rather than a cluster bootstrapped by a token nobody holds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenBootstrapIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aRetriedMintReturnsItsCandidateAndNoOtherServerMints(@TempDir Path root) throws Exception {
        try (StoreCluster cluster = StoreCluster.start(1, root)) {
            StoreServer peer = cluster.peer(cluster.awaitLeader());
            KvStore kv = new EmbeddedKvStore(peer.store(), peer.clientAddress(), TIMEOUT);
            try {
                String first = TokenAuthenticator.newToken();
                String other = TokenAuthenticator.newToken();
                assertThat(first).hasSize(43).isNotEqualTo(other);

                assertThat(TokenAuthenticator.bootstrap(kv, Optional.empty(), first, TIMEOUT))
                        .contains(first);
                // the same server again, as after a timeout whose mint was committed all the same
                assertThat(TokenAuthenticator.bootstrap(kv, Optional.empty(), first, TIMEOUT))
                        .contains(first);
                // any other server
                assertThat(TokenAuthenticator.bootstrap(kv, Optional.empty(), other, TIMEOUT))
                        .isEmpty();
                assertThat(TokenAuthenticator.bootstrap(kv, Optional.empty(), TIMEOUT))
                        .isEmpty();

                TokenAuthenticator authenticator = new TokenAuthenticator(kv, TIMEOUT);
                assertThat(authenticator.accepts(first)).isTrue();
                assertThat(authenticator.accepts(other)).isFalse();
            } finally {
                kv.close();
            }
        }
    }
}
