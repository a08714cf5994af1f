package io.capstan.apiserver.watch;

import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.WatchListener;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A real KvStore that counts the watches and ranges asked of it. */
final class RecordingKvStore implements KvStore {
    private final KvStore delegate;
    private final AtomicInteger watches = new AtomicInteger();
    private final AtomicInteger ranges = new AtomicInteger();

    RecordingKvStore(KvStore delegate) {
        this.delegate = delegate;
    }

    int watches() {
        return watches.get();
    }

    int ranges() {
        return ranges.get();
    }

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        ranges.incrementAndGet();
        return delegate.range(request);
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return delegate.txn(request);
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return delegate.compact(request);
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
        return delegate.leaseGrant(request);
    }

    @Override
    public Watch watch(WatchCreateRequest request, WatchListener listener) {
        watches.incrementAndGet();
        return delegate.watch(request, listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
