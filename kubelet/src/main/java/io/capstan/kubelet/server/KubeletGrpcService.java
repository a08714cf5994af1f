package io.capstan.kubelet.server;

import com.google.protobuf.Timestamp;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.proto.api.v1.ExecOutput;
import io.capstan.proto.api.v1.OutputChunk;
import io.capstan.proto.api.v1.PodLogOptions;
import io.capstan.proto.kubelet.v1.ContainerExecRequest;
import io.capstan.proto.kubelet.v1.ContainerLogsRequest;
import io.capstan.proto.kubelet.v1.ContainerRef;
import io.capstan.proto.kubelet.v1.KubeletServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeletService over a {@link ContainerRuntime}. Each call runs on {@code executor}, never on a
 * gRPC thread: the runtime may write its output from the calling thread, and writes wait for the
 * call's flow control, whose ready signal comes on a gRPC thread.
 */
final class KubeletGrpcService extends KubeletServiceGrpc.KubeletServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(KubeletGrpcService.class);
    /** How often a waiting exec checks whether its caller has gone. */
    private static final Duration EXEC_POLL = Duration.ofMillis(500);
    /** How long after a command's exit its output may still be arriving (a runtime's reader drains). */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(10);

    private final ContainerRuntime runtime;
    private final PodContainers containers;
    private final InstantSource clock;
    private final Executor executor;

    KubeletGrpcService(ContainerRuntime runtime, InstantSource clock, Executor executor) {
        this.runtime = runtime;
        this.containers = new PodContainers(runtime);
        this.clock = clock;
        this.executor = executor;
    }

    @Override
    public void logs(ContainerLogsRequest request, StreamObserver<OutputChunk> observer) {
        CallSink<OutputChunk> sink = new CallSink<>((ServerCallStreamObserver<OutputChunk>) observer, chunk -> chunk);
        executor.execute(() -> serve(sink, () -> logs(request, sink)));
    }

    @Override
    public void exec(ContainerExecRequest request, StreamObserver<ExecOutput> observer) {
        CallSink<ExecOutput> sink = new CallSink<>(
                (ServerCallStreamObserver<ExecOutput>) observer,
                chunk -> ExecOutput.newBuilder().setOutput(chunk).build());
        executor.execute(() -> serve(sink, () -> exec(request, sink)));
    }

    private void logs(ContainerLogsRequest request, CallSink<OutputChunk> sink) throws Exception {
        ContainerRef ref = request.getContainer();
        PodContainers.validate(ref);
        PodLogOptions requested = request.getOptions();
        LogOptions options = logOptions(requested, clock.instant());
        RuntimeContainer target = requested.getPrevious() ? containers.previous(ref) : containers.current(ref);
        log.debug(
                "Logs of {}/{} container {} ({}), {}",
                ref.getPodNamespace(),
                ref.getPodName(),
                ref.getContainer(),
                target.id(),
                options);
        sink.outputEnded().whenComplete((error, failure) -> {
            if (error == null) {
                sink.complete();
            } else {
                sink.fail(Status.INTERNAL
                        .withDescription("reading the log of container \"" + ref.getContainer() + "\" failed: "
                                + error.getMessage())
                        .withCause(error));
            }
        });
        LogStream stream = runtime.logs(target.id(), options, sink);
        sink.closeOnCancel(stream);
    }

    private void exec(ContainerExecRequest request, CallSink<ExecOutput> sink) throws Exception {
        ContainerRef ref = request.getContainer();
        PodContainers.validate(ref);
        if (request.getCommandCount() == 0 || request.getCommand(0).isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("command: required").asRuntimeException();
        }
        RuntimeContainer target = containers.current(ref);
        if (!target.running()) {
            throw notRunning(ref);
        }
        log.debug(
                "Exec in {}/{} container {} ({})",
                ref.getPodNamespace(),
                ref.getPodName(),
                ref.getContainer(),
                target.id());
        ExecSession session;
        try {
            session = runtime.exec(target.id(), request.getCommandList(), sink);
        } catch (NoSuchContainerException e) {
            throw notRunning(ref);
        }
        sink.closeOnCancel(session);
        try {
            OptionalInt exitCode = OptionalInt.empty();
            while (exitCode.isEmpty() && !sink.isCancelled()) {
                exitCode = session.await(EXEC_POLL);
            }
            if (exitCode.isEmpty()) {
                return; // cancelled: the cancel handler closed the session, which kills the command
            }
            @Nullable Throwable outputError = awaitOutput(sink);
            if (outputError != null) {
                sink.fail(Status.INTERNAL
                        .withDescription("the output of the command was cut short: " + outputError.getMessage())
                        .withCause(outputError));
                return;
            }
            if (sink.send(
                    ExecOutput.newBuilder().setExitCode(exitCode.getAsInt()).build())) {
                sink.complete();
            }
        } finally {
            session.close();
        }
    }

    private static @Nullable Throwable awaitOutput(CallSink<?> sink) throws InterruptedException {
        try {
            return sink.outputEnded().get(OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            log.warn("The runtime did not close a command's output {} after it exited; ending the call", OUTPUT_DRAIN);
            return null;
        }
    }

    /** Runs one call's work, turning what it throws into the call's status. */
    private static void serve(CallSink<?> sink, Work work) {
        if (sink.isCancelled()) {
            return;
        }
        try {
            work.run();
        } catch (StatusRuntimeException e) {
            sink.fail(e.getStatus());
        } catch (NoSuchContainerException e) {
            sink.fail(Status.NOT_FOUND.withDescription(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.fail(Status.CANCELLED.withDescription("the kubelet is shutting down"));
        } catch (Exception e) {
            log.warn("A logs or exec call failed", e);
            sink.fail(Status.INTERNAL
                    .withDescription(String.valueOf(e.getMessage()))
                    .withCause(e));
        }
    }

    /** The runtime's options for {@code requested}; {@code since_seconds} counts back from {@code now}. */
    static LogOptions logOptions(PodLogOptions requested, Instant now) {
        if (requested.hasTailLines() && requested.getTailLines() < 0) {
            throw invalid("options.tail_lines: must be >= 0, got " + requested.getTailLines());
        }
        if (requested.getSinceSeconds() < 0) {
            throw invalid("options.since_seconds: must be >= 0, got " + requested.getSinceSeconds());
        }
        if (requested.getSinceSeconds() > 0 && requested.hasSinceTime()) {
            throw invalid("options.since_time: at most one of since_seconds and since_time may be set");
        }
        int tail = requested.hasTailLines() ? (int) Math.min(Integer.MAX_VALUE, requested.getTailLines()) : -1;
        @Nullable Instant since = null;
        if (requested.getSinceSeconds() > 0) {
            since = now.minusSeconds(requested.getSinceSeconds());
        } else if (requested.hasSinceTime()) {
            Timestamp time = requested.getSinceTime();
            since = Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
        }
        return new LogOptions(requested.getFollow(), tail, since, requested.getTimestamps());
    }

    private static StatusRuntimeException notRunning(ContainerRef ref) {
        return Status.FAILED_PRECONDITION
                .withDescription(
                        "container \"" + ref.getContainer() + "\" in pod \"" + ref.getPodName() + "\" is not running")
                .asRuntimeException();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }
}
