package io.capstan.kubelet.server;

import io.capstan.proto.api.v1.ExecOutput;
import io.capstan.proto.api.v1.OutputChunk;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Collects a logs or exec stream from a KubeletService or PodStreamService stub: stdout, stderr,
 * the exit code and how the stream ended. With {@code manualFlow}, no message is requested until
 * {@link #request} is called.
 */
final class OutputCollector<R> implements ClientResponseObserver<Object, R> {
    private final boolean manualFlow;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private volatile @Nullable Integer exitCode;
    private volatile @Nullable ClientCallStreamObserver<Object> call;

    private OutputCollector(boolean manualFlow) {
        this.manualFlow = manualFlow;
    }

    static <R> OutputCollector<R> auto() {
        return new OutputCollector<>(false);
    }

    static <R> OutputCollector<R> manual() {
        return new OutputCollector<>(true);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
        call = requestStream;
        if (manualFlow) {
            requestStream.disableAutoRequestWithInitial(0);
        }
    }

    void request(int messages) {
        ClientCallStreamObserver<Object> started = call;
        if (started != null) {
            started.request(messages);
        }
    }

    void cancel() {
        ClientCallStreamObserver<Object> started = call;
        if (started != null) {
            started.cancel("test cancels", null);
        }
    }

    @Override
    public synchronized void onNext(R message) {
        if (message instanceof OutputChunk chunk) {
            take(chunk);
        } else if (message instanceof ExecOutput frame) {
            if (frame.hasOutput()) {
                take(frame.getOutput());
            } else if (frame.getFrameCase() == ExecOutput.FrameCase.EXIT_CODE) {
                exitCode = frame.getExitCode();
            }
        }
    }

    private void take(OutputChunk chunk) {
        (chunk.getStream() == OutputChunk.Stream.STREAM_STDERR ? stderr : stdout)
                .writeBytes(chunk.getData().toByteArray());
    }

    @Override
    public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        ended.complete(Status.OK);
    }

    /** How the stream ended, waiting at most {@code timeout}. */
    Status awaitEnd(Duration timeout) throws Exception {
        return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean hasEnded() {
        return ended.isDone();
    }

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized int stdoutBytes() {
        return stdout.size();
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Nullable
    Integer exitCode() {
        return exitCode;
    }
}
