package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchGrpc;
import io.capstan.proto.etcd.WatchProgressRequest;
import io.capstan.proto.etcd.WatchRequest;
import io.capstan.proto.etcd.WatchResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
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
    // the request stream is not thread-safe: the create request and progress requests are sent under it
    private final Object sendLock = new Object();
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
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(watch);
        synchronized (watch.sendLock) {
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(request).build());
        }
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
        } else if (!response.getCreated()) {
            // An empty response that is not the "created" reply is a progress notification. The
            // "created" reply's revision promises nothing: the watch may still be replaying history.
            listener.onProgress(response.getHeader().getRevision());
        }
    }

    @Override
    public void requestProgress() {
        ClientCallStreamObserver<WatchRequest> started = call;
        synchronized (sendLock) {
            // checked under the lock that cancelCall takes, so nothing is sent on a cancelled call
            if (started == null || ended.get()) {
                return;
            }
            started.onNext(WatchRequest.newBuilder()
                    .setProgressRequest(WatchProgressRequest.getDefaultInstance())
                    .build());
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
            synchronized (sendLock) {
                started.cancel(reason, null);
            }
        }
    }
}
