package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.LeaseGrpc;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KvStore} over any etcd v3 endpoints (Capstan store peers or etcd itself), by gRPC in
 * plaintext.
 *
 * <p>Every request carries one deadline, {@code timeout} from when it was issued. When an endpoint
 * answers UNAVAILABLE (down, or no leader), the request is sent to the next endpoint within the
 * same deadline, and later requests start there. Such a resend can apply a txn twice if the first
 * endpoint had forwarded it before failing, as with etcd's own client; the API server's writes
 * carry a compare on create or mod revision, so a duplicate shows up as a failed compare rather
 * than a silent second write. A watch stays on the endpoint it started on; when that endpoint
 * fails, the listener gets {@link WatchListener#onError} and the caller rewatches.
 */
public final class RemoteKvStore implements KvStore {
    private static final Logger log = LoggerFactory.getLogger(RemoteKvStore.class);

    private final List<String> endpoints;
    private final List<ManagedChannel> channels;
    private final Duration timeout;
    private final AtomicInteger current = new AtomicInteger();
    private final Set<GrpcWatch> watches = ConcurrentHashMap.newKeySet();

    /**
     * @param endpoints host:port of each etcd v3 endpoint, tried in this order
     * @param timeout the deadline of each request, failover included
     */
    public RemoteKvStore(List<String> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: must not be empty");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        List<ManagedChannel> built = new ArrayList<>();
        for (String endpoint : this.endpoints) {
            built.add(Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                    .build());
        }
        this.channels = List.copyOf(built);
    }

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        return call(
                request,
                (channel, deadline, q, observer) ->
                        KVGrpc.newStub(channel).withDeadline(deadline).range(q, observer));
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return call(
                request,
                (channel, deadline, q, observer) ->
                        KVGrpc.newStub(channel).withDeadline(deadline).txn(q, observer));
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return call(
                request,
                (channel, deadline, q, observer) ->
                        KVGrpc.newStub(channel).withDeadline(deadline).compact(q, observer));
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
        return call(
                request,
                (channel, deadline, q, observer) ->
                        LeaseGrpc.newStub(channel).withDeadline(deadline).leaseGrant(q, observer));
    }

    @Override
    public Watch watch(WatchCreateRequest request, WatchListener listener) {
        GrpcWatch watch = GrpcWatch.start(channels.get(current.get()), request, listener, watches::remove);
        watches.add(watch);
        return watch;
    }

    @Override
    public void close() {
        for (GrpcWatch watch : watches) {
            watch.close();
        }
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface UnaryCall<Q, R> {
        void start(Channel channel, Deadline deadline, Q request, StreamObserver<R> observer);
    }

    private <Q, R> CompletableFuture<R> call(Q request, UnaryCall<Q, R> method) {
        CompletableFuture<R> result = new CompletableFuture<>();
        Deadline deadline = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
        attempt(request, method, deadline, current.get(), channels.size(), result);
        return result;
    }

    private <Q, R> void attempt(
            Q request,
            UnaryCall<Q, R> method,
            Deadline deadline,
            int index,
            int attemptsLeft,
            CompletableFuture<R> result) {
        method.start(channels.get(index), deadline, request, new StreamObserver<R>() {
            private @Nullable R response;

            @Override
            public void onNext(R value) {
                response = value;
            }

            @Override
            public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.UNAVAILABLE && attemptsLeft > 1 && !deadline.isExpired()) {
                    int next = (index + 1) % channels.size();
                    if (current.compareAndSet(index, next)) {
                        log.warn(
                                "Endpoint unavailable, failing over from={} to={} cause={}",
                                endpoints.get(index),
                                endpoints.get(next),
                                status);
                    }
                    attempt(request, method, deadline, next, attemptsLeft - 1, result);
                    return;
                }
                result.completeExceptionally(KvErrors.fromStatus(status, t));
            }

            @Override
            public void onCompleted() {
                R value = response;
                if (value == null) {
                    result.completeExceptionally(
                            new KvStoreException("endpoint " + endpoints.get(index) + " sent no response", null));
                } else {
                    result.complete(value);
                }
            }
        });
    }
}
