package io.capstan.client;

import com.google.protobuf.ByteString;
import io.capstan.proto.api.v1.ExecOutput;
import io.capstan.proto.api.v1.OutputChunk;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A pod's log or exec stream in progress, from {@link ObjectClient#logs} or {@link
 * ObjectClient#exec}: the output goes to the {@link OutputListener}; {@link #await} waits for the
 * end and gives the command's exit code; {@link #close} cancels (the command is killed, a follow
 * stops). Thread-safe.
 */
public final class PodStream implements AutoCloseable {
    private final CompletableFuture<OptionalInt> result = new CompletableFuture<>();
    private volatile @Nullable ClientCallStreamObserver<?> call;

    private PodStream() {}

    /**
     * Waits until the stream ends.
     *
     * @return the command's exit code for exec; empty for logs
     * @throws ApiException what ended the stream: {@link NotFoundException} (the pod, or the
     *     container on its node), {@link InvalidException} (e.g. no container named in a pod of
     *     several), FAILED_PRECONDITION (the pod is not scheduled, or its container not running),
     *     {@link UnavailableException} (the API server or the kubelet could not be reached, or the
     *     stream broke), {@link UnauthenticatedException}, CANCELLED after {@link #close}
     */
    public OptionalInt await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    /** As {@link #await()}, at most {@code timeout}; the stream goes on after a timeout. */
    public OptionalInt await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrow(e);
        }
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** Cancels the stream if it is still open; {@link #await} then throws CANCELLED. Idempotent. */
    @Override
    public void close() {
        if (result.completeExceptionally(
                new ApiException(Status.Code.CANCELLED, "stream closed by the client", false))) {
            ClientCallStreamObserver<?> started = call;
            if (started != null) {
                started.cancel("closed by the client", null);
            }
        }
    }

    private static ApiException rethrow(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ApiException api) {
            return api;
        }
        return new ApiException(Status.Code.INTERNAL, String.valueOf(cause), false);
    }

    static ClientResponseObserver<Object, OutputChunk> logs(PodStream stream, OutputListener listener) {
        return stream.new Observer<>() {
            @Override
            void handle(OutputChunk chunk) {
                deliver(listener, chunk);
            }
        };
    }

    static ClientResponseObserver<Object, ExecOutput> exec(PodStream stream, OutputListener listener) {
        return stream.new Observer<>() {
            private @Nullable Integer exitCode;

            @Override
            void handle(ExecOutput frame) {
                switch (frame.getFrameCase()) {
                    case OUTPUT -> deliver(listener, frame.getOutput());
                    case EXIT_CODE -> exitCode = frame.getExitCode();
                    case FRAME_NOT_SET -> {}
                }
            }

            @Override
            OptionalInt outcome() {
                Integer code = exitCode;
                if (code == null) {
                    throw new ApiException(Status.Code.INTERNAL, "the exec stream ended without an exit code", false);
                }
                return OptionalInt.of(code);
            }
        };
    }

    static PodStream create() {
        return new PodStream();
    }

    private static void deliver(OutputListener listener, OutputChunk chunk) {
        ByteString data = chunk.getData();
        if (data.isEmpty()) {
            return;
        }
        OutputListener.Stream stream = chunk.getStream() == OutputChunk.Stream.STREAM_STDERR
                ? OutputListener.Stream.STDERR
                : OutputListener.Stream.STDOUT;
        listener.onOutput(stream, data.toByteArray());
    }

    /** The call's observer: messages to {@link #handle}, the end to {@link #result}. */
    private abstract class Observer<R> implements ClientResponseObserver<Object, R> {
        abstract void handle(R message);

        OptionalInt outcome() {
            return OptionalInt.empty();
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(R message) {
            if (!result.isDone()) {
                handle(message);
            }
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            String message = status.getDescription() != null
                    ? status.getDescription()
                    : status.getCode().name();
            result.completeExceptionally(ApiErrors.from(status.getCode(), message, false));
        }

        @Override
        public void onCompleted() {
            try {
                result.complete(outcome());
            } catch (ApiException e) {
                result.completeExceptionally(e);
            }
        }
    }
}
