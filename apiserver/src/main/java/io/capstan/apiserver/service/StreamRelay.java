package io.capstan.apiserver.service;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * Relays a kubelet's server stream to the API server's caller, one message at a time: the next
 * message is requested from the kubelet only once the caller's stream is ready for more, so a slow
 * caller slows the kubelet (and the container's log reader) instead of filling this server's
 * memory. When the caller cancels, the kubelet call is cancelled. The kubelet's statuses reach the
 * caller with {@link #describe}'s words, so a message says which side refused.
 */
final class StreamRelay<Q, R> implements ClientResponseObserver<Q, R> {
    private final ServerCallStreamObserver<R> caller;
    private final String kubelet;
    // guarded by this
    private @Nullable ClientCallStreamObserver<Q> upstream;
    // guarded by this: a message was relayed while the caller was not ready, so none is requested
    private boolean paused;
    // guarded by this
    private boolean cancelled;

    /**
     * Must be built on the call's thread before the service method returns (it sets the caller's
     * handlers). {@code kubelet} names the kubelet in messages, e.g. {@code node "n1" (127.0.0.1:10250)}.
     */
    StreamRelay(ServerCallStreamObserver<R> caller, String kubelet) {
        this.caller = caller;
        this.kubelet = kubelet;
        caller.setOnReadyHandler(this::callerReady);
        caller.setOnCancelHandler(this::callerCancelled);
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<Q> call) {
        upstream = call;
        call.disableAutoRequestWithInitial(1);
        if (cancelled) {
            call.cancel("the caller cancelled", null);
        }
    }

    @Override
    public void onNext(R message) {
        caller.onNext(message);
        synchronized (this) {
            ClientCallStreamObserver<Q> call = upstream;
            if (call == null) {
                return;
            }
            if (caller.isReady()) {
                call.request(1);
            } else {
                paused = true;
            }
        }
    }

    @Override
    public void onError(Throwable error) {
        synchronized (this) {
            if (cancelled) {
                return;
            }
        }
        caller.onError(describe(Status.fromThrowable(error), kubelet).asRuntimeException());
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
        }
        caller.onCompleted();
    }

    private synchronized void callerReady() {
        ClientCallStreamObserver<Q> call = upstream;
        if (paused && call != null && caller.isReady()) {
            paused = false;
            call.request(1);
        }
    }

    private synchronized void callerCancelled() {
        cancelled = true;
        ClientCallStreamObserver<Q> call = upstream;
        if (call != null) {
            call.cancel("the caller cancelled", null);
        }
    }

    /** A kubelet's status as the caller sees it: the code kept, the message saying where it came from. */
    static Status describe(Status status, String kubelet) {
        String detail = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        return switch (status.getCode()) {
            case UNAVAILABLE ->
                Status.UNAVAILABLE.withDescription("cannot reach the kubelet of " + kubelet + ": " + detail);
            case UNAUTHENTICATED ->
                Status.UNAUTHENTICATED.withDescription(
                        "the kubelet of " + kubelet + " refused the API server's credentials: " + detail);
            case DEADLINE_EXCEEDED ->
                Status.DEADLINE_EXCEEDED.withDescription(
                        "the call's deadline passed while streaming from the kubelet of " + kubelet);
            default -> status;
        };
    }
}
