package io.capstan.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.store.kv.EtcdError;
import io.capstan.store.kv.EtcdException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class KvErrorsTest {

    @Test
    void embeddedCompactedKeepsTheCompactRevision() {
        KvStoreException mapped =
                KvErrors.translate(new CompletionException(new EtcdException(EtcdError.COMPACTED, "at 5", 7, null)));

        assertThat(mapped).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) mapped).compactRevision()).isEqualTo(7);
    }

    @Test
    void remoteCompactedIsRecognisedByEtcdsMessage() {
        KvStoreException mapped = KvErrors.translate(Status.OUT_OF_RANGE
                .withDescription("etcdserver: mvcc: required revision has been compacted")
                .asRuntimeException());

        assertThat(mapped).isInstanceOf(CompactedException.class);
    }

    @Test
    void futureRevisionMapsTheSameEmbeddedAndRemote() {
        assertThat(KvErrors.translate(new EtcdException(EtcdError.FUTURE_REVISION)))
                .isInstanceOf(FutureRevisionException.class);
        assertThat(KvErrors.translate(Status.OUT_OF_RANGE
                        .withDescription("etcdserver: mvcc: required revision is a future revision")
                        .asRuntimeException()))
                .isInstanceOf(FutureRevisionException.class);
    }

    @Test
    void unreachableOrLeaderlessStoreIsUnavailable() {
        assertThat(KvErrors.translate(Status.UNAVAILABLE.asRuntimeException()))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(KvErrors.translate(Status.DEADLINE_EXCEEDED.asRuntimeException()))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(KvErrors.translate(new EtcdException(EtcdError.NO_LEADER)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(KvErrors.translate(new CompletionException(new TimeoutException())))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void otherRejectionsKeepTheStoresMessage() {
        KvStoreException mapped = KvErrors.translate(Status.INVALID_ARGUMENT
                .withDescription("etcdserver: key is not provided")
                .asRuntimeException());

        assertThat(mapped).isExactlyInstanceOf(KvStoreException.class);
        assertThat(mapped).hasMessageContaining("etcdserver: key is not provided");
    }
}
