package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchGrpc;
import io.capstan.proto.etcd.WatchRequest;
import io.capstan.proto.etcd.WatchResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One watcher on its own etcd Watch stream. gRPC delivers a call's messages one at a time and in
 * order, which gives the listener its ordering guarantee; {@code ended} makes the end final.
 */
final class GrpcWatch implements KvStore.Watch, ClientResponseObserver<WatchRequest, WatchResponse> {
    private final WatchListener listener;
    private final Consumer<GrpcWatch> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    // set once in beforeStart, before any other callback
    private volatile @Nullable ClientCallStreamObserver<WatchRequest> call;

    private GrpcWatch(WatchListener listener, Consumer<GrpcWatch> onEnd) {
        this.listener = listener;
        this.onEnd = onEnd;
    }

    /** Opens the stream and sends the create request; {@code onEnd} runs once, however the watch ends. */
    static GrpcWatch start(
            Channel channel, WatchCreateRequest request, WatchListener listener, Consumer<GrpcWatch> onEnd) {
        GrpcWatch watch = new GrpcWatch(listener, onEnd);
        WatchGrpc.newStub(channel)
                .watch(watch)
                .onNext(WatchRequest.newBuilder().setCreateRequest(request).build());
        return watch;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(WatchResponse response) {
        if (ended.get()) {
            return;
        }
        if (response.getCanceled()) {
            if (end()) {
                cancelCall("watch canceled by the store");
                if (response.getCompactRevision() > 0) {
                    listener.onCompacted(response.getCompactRevision());
                } else {
                    listener.onError(new KvStoreException("watch canceled: " + response.getCancelReason(), null));
                }
            }
            return;
        }
        if (response.getEventsCount() > 0) {
            listener.onEvents(response.getHeader().getRevision(), response.getEventsList());
        }
    }

    @Override
    public void onError(Throwable t) {
        if (end()) {
            listener.onError(KvErrors.fromStatus(Status.fromThrowable(t), t));
        }
    }

    @Override
    public void onCompleted() {
        if (end()) {
            listener.onError(new StoreUnavailableException("watch stream ended by the store", null));
        }
    }

    @Override
    public void close() {
        if (end()) {
            cancelCall("watch closed");
        }
    }

    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        onEnd.accept(this);
        return true;
    }

    private void cancelCall(String reason) {
        ClientCallStreamObserver<WatchRequest> started = call;
        if (started != null) {
            started.cancel(reason, null);
        }
    }
}
