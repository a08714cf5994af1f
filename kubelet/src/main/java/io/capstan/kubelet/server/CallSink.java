package io.capstan.kubelet.server;

import com.google.protobuf.ByteString;
import io.capstan.kubelet.runtime.OutputSink;
import io.capstan.proto.api.v1.OutputChunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runtime's output sent down one server stream, with gRPC's flow control: {@link #write} blocks
 * the runtime's writing thread while the call is not ready (the client reads slower than the
 * container writes), so memory stays bounded and the slowness reaches the container. When the
 * caller cancels, waiting writes return, later output is dropped, and the resources registered
 * with {@link #closeOnCancel} (the runtime's log stream or exec session) are closed.
 *
 * <p>Must be built on the call's thread, before the service method returns (the handlers must be
 * set then). Every send to the call goes through this class, under its lock, so the runtime's
 * thread and the service's thread never send at the same time.
 */
final class CallSink<T> implements OutputSink {
    private static final Logger log = LoggerFactory.getLogger(CallSink.class);
    /** Large writes are cut into chunks of at most this size, far below gRPC's message limit. */
    static final int MAX_CHUNK_BYTES = 32 * 1024;

    private final ServerCallStreamObserver<T> call;
    private final Function<OutputChunk, T> frame;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final CompletableFuture<@Nullable Throwable> outputEnded = new CompletableFuture<>();
    // guarded by lock
    private boolean cancelled;
    // guarded by lock: onCompleted or onError has been sent
    private boolean ended;
    // guarded by lock
    private final List<AutoCloseable> resources = new ArrayList<>();

    CallSink(ServerCallStreamObserver<T> call, Function<OutputChunk, T> frame) {
        this.call = call;
        this.frame = frame;
        call.setOnReadyHandler(this::signalReady);
        call.setOnCancelHandler(this::cancelled);
    }

    @Override
    public void write(Stream stream, byte[] bytes) {
        OutputChunk.Stream kind =
                stream == Stream.STDERR ? OutputChunk.Stream.STREAM_STDERR : OutputChunk.Stream.STREAM_STDOUT;
        for (int offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
            int length = Math.min(MAX_CHUNK_BYTES, bytes.length - offset);
            OutputChunk chunk = OutputChunk.newBuilder()
                    .setStream(kind)
                    .setData(ByteString.copyFrom(bytes, offset, length))
                    .build();
            if (!send(frame.apply(chunk))) {
                return;
            }
        }
    }

    /** The runtime is done writing; {@code error} is what ended the output early, if anything. */
    @Override
    public void close(@Nullable Throwable error) {
        outputEnded.complete(error);
    }

    /** Completes when the runtime has closed this sink, with the error that ended its output, if any. */
    CompletableFuture<@Nullable Throwable> outputEnded() {
        return outputEnded;
    }

    /**
     * Sends one message once the call is ready for it. Returns false without sending when the call
     * was cancelled or ended meanwhile (or this thread was interrupted).
     */
    boolean send(T message) {
        lock.lock();
        try {
            while (!cancelled && !ended && !call.isReady()) {
                ready.await();
            }
            if (cancelled || ended) {
                return false;
            }
            call.onNext(message);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream successfully, unless it was cancelled or ended already. */
    void complete() {
        lock.lock();
        try {
            if (!cancelled && !ended) {
                ended = true;
                ready.signalAll();
                call.onCompleted();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream with {@code status}, unless it was cancelled or ended already. */
    void fail(Status status) {
        lock.lock();
        try {
            if (!cancelled && !ended) {
                ended = true;
                ready.signalAll();
                call.onError(status.asRuntimeException());
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isCancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    /** Closes {@code resource} when the caller cancels; at once if it already has. */
    void closeOnCancel(AutoCloseable resource) {
        lock.lock();
        try {
            if (!cancelled) {
                resources.add(resource);
                return;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(resource);
    }

    private void signalReady() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void cancelled() {
        List<AutoCloseable> toClose;
        lock.lock();
        try {
            cancelled = true;
            ready.signalAll();
            toClose = List.copyOf(resources);
            resources.clear();
        } finally {
            lock.unlock();
        }
        toClose.forEach(CallSink::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("Closing {} after the caller cancelled failed", resource, e);
        }
    }
}
