package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.store.kv.KeyValueStore;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link KvStore} over the store peer running in this JVM: requests go straight to its
 * {@link KeyValueStore}, without serialization. Watches use the same peer's etcd Watch service over
 * loopback, so that they get the store's flow control and victim handling unchanged.
 */
public final class EmbeddedKvStore implements KvStore {
    private final KeyValueStore store;
    private final Duration timeout;
    private final ManagedChannel watchChannel;
    private final Set<GrpcWatch> watches = ConcurrentHashMap.newKeySet();

    /**
     * @param store the local peer's store ({@code StoreServer.store()})
     * @param clientAddress host:port of the same peer's etcd API ({@code StoreServer.clientAddress()})
     * @param timeout how long any one request may take before it fails as unavailable
     */
    public EmbeddedKvStore(KeyValueStore store, String clientAddress, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
        this.watchChannel = Grpc.newChannelBuilder(clientAddress, InsecureChannelCredentials.create())
                .build();
    }

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        return bounded(() -> store.range(request));
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return bounded(() -> store.txn(request));
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return bounded(() -> store.compact(request));
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
        return bounded(() -> store.leaseGrant(request));
    }

    @Override
    public Watch watch(WatchCreateRequest request, WatchListener listener) {
        GrpcWatch watch = GrpcWatch.start(watchChannel, request, listener, watches::remove);
        watches.add(watch);
        return watch;
    }

    @Override
    public void close() {
        for (GrpcWatch watch : watches) {
            watch.close();
        }
        watchChannel.shutdownNow();
    }

    private <T> CompletableFuture<T> bounded(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> started;
        try {
            started = call.get();
        } catch (RuntimeException e) {
            // the contract promises failed futures, not throws, whatever the store does
            return CompletableFuture.failedFuture(KvErrors.translate(e));
        }
        return KvErrors.translating(started.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
}
