package io.capstan.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.kubelet.runtime.OutputSink;
import io.capstan.proto.api.v1.ExecOutput;
import io.capstan.proto.api.v1.OutputChunk;
import io.capstan.proto.api.v1.PodLogOptions;
import io.capstan.proto.kubelet.v1.ContainerExecRequest;
import io.capstan.proto.kubelet.v1.ContainerLogsRequest;
import io.capstan.proto.kubelet.v1.ContainerRef;
import io.capstan.proto.kubelet.v1.KubeletServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kubelet's logs and exec port over a runtime with known output, called as the API server calls it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubeletServerIT {
    private static final String TOKEN = "kubelet-client-token-for-tests";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String UID = "uid-1";

    private final TestClock clock = new TestClock(Instant.parse("2025-03-01T10:00:00Z"));
    private final FakeStreamingRuntime runtime = new FakeStreamingRuntime("n1", clock);
    private final AtomicReference<String> acceptedToken = new AtomicReference<>(TOKEN);
    private final AtomicInteger refreshes = new AtomicInteger();
    private KubeletServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        KubeletClientToken token = new KubeletClientToken() {
            @Override
            public Optional<String> current() {
                return Optional.of(acceptedToken.get());
            }

            @Override
            public void refresh() {
                refreshes.incrementAndGet();
            }
        };
        server = new KubeletServer(runtime, token, "127.0.0.1", 0, clock).start();
        channel = Grpc.newChannelBuilder(server.endpoint(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.close();
    }

    private KubeletServiceGrpc.KubeletServiceStub stub(String token) {
        return KubeletServiceGrpc.newStub(channel).withCallCredentials(ControlPlane.bearer(token));
    }

    private static ContainerRef web() {
        return ContainerRef.newBuilder()
                .setPodNamespace("default")
                .setPodName("x")
                .setPodUid(UID)
                .setContainer("web")
                .build();
    }

    private OutputCollector<OutputChunk> logs(PodLogOptions options) {
        OutputCollector<OutputChunk> out = OutputCollector.auto();
        stub(TOKEN)
                .logs(
                        ContainerLogsRequest.newBuilder()
                                .setContainer(web())
                                .setOptions(options)
                                .build(),
                        out);
        return out;
    }

    private OutputCollector<ExecOutput> exec(String... command) {
        OutputCollector<ExecOutput> out = OutputCollector.auto();
        stub(TOKEN)
                .exec(
                        ContainerExecRequest.newBuilder()
                                .setContainer(web())
                                .addAllCommand(List.of(command))
                                .build(),
                        out);
        return out;
    }

    @Test
    void logsGivesTheLastLinesAskedFor() throws Exception {
        String id = runtime.run(UID, "default", "x", "web", 0);
        runtime.log(id, OutputSink.Stream.STDOUT, "one");
        runtime.log(id, OutputSink.Stream.STDERR, "two");
        runtime.log(id, OutputSink.Stream.STDOUT, "three");

        OutputCollector<OutputChunk> all = logs(PodLogOptions.getDefaultInstance());
        assertThat(all.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(all.stdout()).isEqualTo("one\nthree\n");
        assertThat(all.stderr()).isEqualTo("two\n");

        OutputCollector<OutputChunk> tail =
                logs(PodLogOptions.newBuilder().setTailLines(1).build());
        assertThat(tail.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(tail.stdout() + tail.stderr()).isEqualTo("three\n");
    }

    @Test
    void sinceSecondsCountsBackFromTheKubeletsClockAndTimestampsPrefixEachLine() throws Exception {
        String id = runtime.run(UID, "default", "x", "web", 0);
        runtime.log(id, OutputSink.Stream.STDOUT, "old");
        clock.advance(Duration.ofMinutes(10));
        runtime.log(id, OutputSink.Stream.STDOUT, "new");

        OutputCollector<OutputChunk> recent = logs(PodLogOptions.newBuilder()
                .setSinceSeconds(60)
                .setTimestamps(true)
                .build());
        assertThat(recent.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(recent.stdout()).isEqualTo("2025-03-01T10:10:00Z new\n");
    }

    @Test
    void followStreamsNewLinesAndEndsWhenTheContainerExits() throws Exception {
        String id = runtime.run(UID, "default", "x", "web", 0);
        runtime.log(id, OutputSink.Stream.STDOUT, "before");
        OutputCollector<OutputChunk> follow =
                logs(PodLogOptions.newBuilder().setFollow(true).build());
        await().atMost(DEADLINE).until(() -> runtime.followerCount(id) == 1);
        runtime.log(id, OutputSink.Stream.STDOUT, "after");
        await().atMost(DEADLINE).until(() -> follow.stdout().equals("before\nafter\n"));
        assertThat(follow.hasEnded()).isFalse();

        runtime.exit(id, 0);
        assertThat(follow.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
    }

    @Test
    void cancellingAFollowClosesTheRuntimesLogStream() throws Exception {
        String id = runtime.run(UID, "default", "x", "web", 0);
        OutputCollector<OutputChunk> follow =
                logs(PodLogOptions.newBuilder().setFollow(true).build());
        await().atMost(DEADLINE).until(() -> runtime.followerCount(id) == 1);

        follow.cancel();

        await().atMost(DEADLINE).until(() -> runtime.closedLogStreams.get() == 1);
        assertThat(runtime.followerCount(id)).isZero();
    }

    @Test
    void previousReadsTheExitedInstanceBeforeTheCurrentOne() throws Exception {
        String first = runtime.run(UID, "default", "x", "web", 0);
        runtime.log(first, OutputSink.Stream.STDOUT, "first run");
        runtime.exit(first, 1);
        String second = runtime.run(UID, "default", "x", "web", 1);
        runtime.log(second, OutputSink.Stream.STDOUT, "second run");

        OutputCollector<OutputChunk> previous =
                logs(PodLogOptions.newBuilder().setPrevious(true).build());
        assertThat(previous.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(previous.stdout()).isEqualTo("first run\n");

        OutputCollector<OutputChunk> current = logs(PodLogOptions.getDefaultInstance());
        assertThat(current.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(current.stdout()).isEqualTo("second run\n");
    }

    @Test
    void previousWithoutAnEarlierInstanceIsNotFound() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);

        Status status =
                logs(PodLogOptions.newBuilder().setPrevious(true).build()).awaitEnd(DEADLINE);

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("previous terminated container \"web\" in pod \"x\" not found");
    }

    @Test
    void aContainerOfAnotherPodInstanceIsNotFound() throws Exception {
        runtime.run("an-older-uid", "default", "x", "web", 0);

        Status status = logs(PodLogOptions.getDefaultInstance()).awaitEnd(DEADLINE);

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("container \"web\" in pod \"x\" not found");
    }

    @Test
    void execStreamsStdoutAndStderrThenTheExitCode() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);

        OutputCollector<ExecOutput> ok = exec("echo", "hello", "world");
        assertThat(ok.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(ok.stdout()).isEqualTo("hello world\n");
        assertThat(ok.exitCode()).isZero();

        OutputCollector<ExecOutput> failed = exec("fail", "3", "it broke");
        assertThat(failed.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(failed.stderr()).isEqualTo("it broke\n");
        assertThat(failed.stdout()).isEmpty();
        assertThat(failed.exitCode()).isEqualTo(3);
    }

    @Test
    void execInAnExitedContainerIsAFailedPrecondition() throws Exception {
        String id = runtime.run(UID, "default", "x", "web", 0);
        runtime.exit(id, 0);

        Status status = exec("echo", "hi").awaitEnd(DEADLINE);

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("container \"web\" in pod \"x\" is not running");
    }

    @Test
    void execWithoutACommandIsInvalid() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);

        Status status = exec().awaitEnd(DEADLINE);

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("command: required");
    }

    @Test
    void cancellingAnExecKillsTheCommand() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);
        OutputCollector<ExecOutput> sleeping = exec("sleep");
        await().atMost(DEADLINE).until(() -> runtime.execsStarted.get() == 1);

        sleeping.cancel();

        await().atMost(DEADLINE).until(() -> runtime.killedSessions.get() == 1);
    }

    @Test
    void aSlowReaderHoldsTheRuntimesWriterBackAndThenGetsEverything() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);
        long total = 16L << 20;
        OutputCollector<ExecOutput> reader = OutputCollector.manual();
        stub(TOKEN)
                .exec(
                        ContainerExecRequest.newBuilder()
                                .setContainer(web())
                                .addAllCommand(List.of("flood", Long.toString(total)))
                                .build(),
                        reader);

        // Nothing is read: the writer blocks once the transport's windows are full, far short of the total.
        await().atMost(DEADLINE).until(() -> {
            Thread writer = runtime.floodThread;
            return writer != null && writer.getState() == Thread.State.WAITING;
        });
        assertThat(runtime.floodWritten.get()).isLessThan(total / 2);

        reader.request(Integer.MAX_VALUE);
        assertThat(reader.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
        assertThat(reader.stdoutBytes()).isEqualTo(total);
        assertThat(reader.exitCode()).isZero();
    }

    @Test
    void aCallWithoutTheTokenIsUnauthenticated() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);

        OutputCollector<OutputChunk> none = OutputCollector.auto();
        KubeletServiceGrpc.newStub(channel)
                .logs(ContainerLogsRequest.newBuilder().setContainer(web()).build(), none);
        OutputCollector<OutputChunk> wrong = OutputCollector.auto();
        stub("not-the-token")
                .logs(ContainerLogsRequest.newBuilder().setContainer(web()).build(), wrong);

        assertThat(none.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(wrong.stdout()).isEmpty();
        assertThat(refreshes.get())
                .as("a wrong token makes the kubelet re-read the Secret")
                .isEqualTo(1);
    }

    @Test
    void aReplacedTokenIsAcceptedAndTheOldOneRefused() throws Exception {
        runtime.run(UID, "default", "x", "web", 0);
        acceptedToken.set("the-replacement-token");

        OutputCollector<OutputChunk> old = logs(PodLogOptions.getDefaultInstance());
        OutputCollector<OutputChunk> replacement = OutputCollector.auto();
        stub("the-replacement-token")
                .logs(ContainerLogsRequest.newBuilder().setContainer(web()).build(), replacement);

        assertThat(old.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(replacement.awaitEnd(DEADLINE).getCode()).isEqualTo(Status.Code.OK);
    }
}
