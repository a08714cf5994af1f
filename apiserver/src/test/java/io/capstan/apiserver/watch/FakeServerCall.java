package io.capstan.apiserver.watch;

import io.capstan.proto.api.v1.WatchEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The server side of a streaming call, with readiness and cancellation in the test's hands. */
final class FakeServerCall extends ServerCallStreamObserver<WatchEvent> {
    // guarded by this
    private final List<WatchEvent> events = new ArrayList<>();
    private boolean ready = true;
    private boolean cancelled;
    private boolean completed;
    private @Nullable Status error;
    private int callsAfterEnd;
    private @Nullable Runnable onReady;
    private @Nullable Runnable onCancel;

    @Override
    public synchronized boolean isReady() {
        return ready;
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public synchronized void setOnReadyHandler(Runnable handler) {
        onReady = handler;
    }

    @Override
    public synchronized void setOnCancelHandler(Runnable handler) {
        onCancel = handler;
    }

    @Override
    public void setCompression(String compression) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public synchronized void onNext(WatchEvent event) {
        if (completed || error != null) {
            callsAfterEnd++;
        }
        events.add(event);
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (completed || error != null) {
            callsAfterEnd++;
        }
        error = Status.fromThrowable(t);
    }

    @Override
    public synchronized void onCompleted() {
        if (completed || error != null) {
            callsAfterEnd++;
        }
        completed = true;
    }

    /** The transport drains: readiness returns and gRPC calls the onReady handler. */
    void becomeReady() {
        Runnable handler;
        synchronized (this) {
            ready = true;
            handler = onReady;
        }
        if (handler != null) {
            handler.run();
        }
    }

    synchronized void ready(boolean ready) {
        this.ready = ready;
    }

    /** The client cancels. */
    void cancel() {
        Runnable handler;
        synchronized (this) {
            cancelled = true;
            handler = onCancel;
        }
        if (handler != null) {
            handler.run();
        }
    }

    synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<String> summary() {
        return events.stream().map(Fixtures::describe).toList();
    }

    synchronized @Nullable Status error() {
        return error;
    }

    synchronized boolean isCompleted() {
        return completed;
    }

    synchronized int callsAfterEnd() {
        return callsAfterEnd;
    }
}
