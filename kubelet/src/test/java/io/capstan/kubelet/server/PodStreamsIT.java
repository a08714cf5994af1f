package io.capstan.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ApiException;
import io.capstan.client.InvalidException;
import io.capstan.client.LogOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.OutputListener;
import io.capstan.client.PodStream;
import io.capstan.client.TestControlPlane;
import io.capstan.client.UnauthenticatedException;
import io.capstan.kubelet.runtime.OutputSink;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.Secret;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs and exec end to end: client → API server (PodStreamService) → the kubelet of the pod's node
 * (KubeletServer, found through the Node's status.kubeletEndpoint, called with the token of the
 * Secret kube-system/capstan-kubelet-client) → a runtime with known output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PodStreamsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String NS = "default";

    private TestControlPlane cluster;
    private ObjectClient api;
    private SecretKubeletClientToken token;
    private FakeStreamingRuntime runtime;
    private KubeletServer kubelet;
    private final AtomicInteger pods = new AtomicInteger();

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        api = cluster.client();
        token = new SecretKubeletClientToken(
                        api.withDeadline(Duration.ofSeconds(10)),
                        Clock.systemUTC(),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(1))
                .start();
        runtime = new FakeStreamingRuntime("n1", Clock.systemUTC());
        kubelet = new KubeletServer(runtime, token, "127.0.0.1", 0, Clock.systemUTC()).start();
        registerNode("n1", kubelet.endpoint());
    }

    @AfterAll
    void stop() {
        if (kubelet != null) {
            kubelet.close();
        }
        if (token != null) {
            token.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void registerNode(String name, String endpoint) {
        Node node = api.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(name))
                        .build());
        api.nodes()
                .updateStatus(node.toBuilder()
                        .setStatus(NodeStatus.newBuilder().setKubeletEndpoint(endpoint))
                        .build());
    }

    /** A new pod bound to {@code node} (or unscheduled when empty) with containers of these names. */
    private Pod pod(String node, String... containers) {
        PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node);
        for (String container : containers) {
            spec.addContainers(Container.newBuilder().setName(container).setImage("busybox"));
        }
        return api.pods()
                .create(Pod.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(NS).setName("p" + pods.incrementAndGet()))
                        .setSpec(spec)
                        .build());
    }

    private String run(Pod pod, String container, int attempt) {
        return runtime.run(pod.getMetadata().getUid(), NS, pod.getMetadata().getName(), container, attempt);
    }

    /** Output collected from a client stream, stdout and stderr apart. */
    private static final class Collected implements OutputListener {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        @Override
        public synchronized void onOutput(Stream stream, byte[] data) {
            (stream == Stream.STDERR ? stderr : stdout).writeBytes(data);
        }

        synchronized String stdout() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        synchronized String stderr() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theApiServerCreatedTheKubeletClientSecretAndTheKubeletReadIt() {
        Secret secret = api.secrets().get(KubeletClientToken.SECRET_NAMESPACE, KubeletClientToken.SECRET_NAME);

        assertThat(secret.getDataMap().get(KubeletClientToken.KEY).toStringUtf8())
                .hasSizeGreaterThanOrEqualTo(40)
                .isEqualTo(token.current().orElseThrow());
    }

    @Test
    void logsReachTheRuntimeThroughTheApiServer() throws Exception {
        Pod pod = pod("n1", "web");
        String id = run(pod, "web", 0);
        runtime.log(id, OutputSink.Stream.STDOUT, "hello");
        runtime.log(id, OutputSink.Stream.STDERR, "warning");
        runtime.log(id, OutputSink.Stream.STDOUT, "bye");

        Collected out = new Collected();
        OptionalInt result = api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults(), out)
                .await(DEADLINE);

        assertThat(result).isEmpty();
        assertThat(out.stdout()).isEqualTo("hello\nbye\n");
        assertThat(out.stderr()).isEqualTo("warning\n");

        Collected tail = new Collected();
        api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults().withTailLines(1), tail)
                .await(DEADLINE);
        assertThat(tail.stdout()).isEqualTo("bye\n");
    }

    @Test
    void aFollowedLogEndsWhenTheContainerExits() throws Exception {
        Pod pod = pod("n1", "web");
        String id = run(pod, "web", 0);
        runtime.log(id, OutputSink.Stream.STDOUT, "started");

        Collected out = new Collected();
        PodStream stream =
                api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults().withFollow(true), out);
        await().atMost(DEADLINE).until(() -> runtime.followerCount(id) == 1);
        runtime.log(id, OutputSink.Stream.STDOUT, "working");
        await().atMost(DEADLINE).until(() -> out.stdout().equals("started\nworking\n"));
        assertThat(stream.isDone()).isFalse();

        runtime.exit(id, 0);

        assertThat(stream.await(DEADLINE)).isEmpty();
        assertThat(out.stdout()).isEqualTo("started\nworking\n");
    }

    @Test
    void closingAFollowedLogAtTheClientClosesItAtTheRuntime() throws Exception {
        Pod pod = pod("n1", "web");
        String id = run(pod, "web", 0);
        int closedBefore = runtime.closedLogStreams.get();
        PodStream stream =
                api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults().withFollow(true), new Collected());
        await().atMost(DEADLINE).until(() -> runtime.followerCount(id) == 1);

        stream.close();

        await().atMost(DEADLINE).until(() -> runtime.closedLogStreams.get() == closedBefore + 1);
        assertThat(runtime.followerCount(id)).isZero();
    }

    @Test
    void previousGivesTheLogOfTheInstanceBeforeTheRestart() throws Exception {
        Pod pod = pod("n1", "web");
        String first = run(pod, "web", 0);
        runtime.log(first, OutputSink.Stream.STDOUT, "crashing");
        runtime.exit(first, 2);
        run(pod, "web", 1);

        Collected out = new Collected();
        api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults().withPrevious(true), out)
                .await(DEADLINE);

        assertThat(out.stdout()).isEqualTo("crashing\n");
    }

    @Test
    void previousOfAContainerThatNeverRestartedIsNotFound() {
        Pod pod = pod("n1", "web");
        run(pod, "web", 0);

        PodStream stream =
                api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults().withPrevious(true), new Collected());

        assertThatThrownBy(() -> stream.await(DEADLINE))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("previous terminated container \"web\" in pod \""
                        + pod.getMetadata().getName() + "\" not found");
    }

    @Test
    void execRunsInTheContainerAndGivesItsOutputAndExitCode() throws Exception {
        Pod pod = pod("n1", "web");
        run(pod, "web", 0);

        Collected ok = new Collected();
        OptionalInt okCode = api.exec(NS, pod.getMetadata().getName(), "", List.of("echo", "hi", "there"), ok)
                .await(DEADLINE);
        Collected failed = new Collected();
        OptionalInt failedCode = api.exec(NS, pod.getMetadata().getName(), "web", List.of("fail", "7", "no"), failed)
                .await(DEADLINE);

        assertThat(okCode).hasValue(0);
        assertThat(ok.stdout()).isEqualTo("hi there\n");
        assertThat(failedCode).hasValue(7);
        assertThat(failed.stderr()).isEqualTo("no\n");
        assertThat(failed.stdout()).isEmpty();
    }

    @Test
    void aSlowClientHoldsTheContainersOutputBackAcrossTheApiServer() throws Exception {
        Pod pod = pod("n1", "web");
        run(pod, "web", 0);
        long total = 32L << 20;
        CountDownLatch reading = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        OutputListener slow = (stream, data) -> {
            try {
                reading.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.addAndGet(data.length);
        };
        PodStream stream = api.exec(NS, pod.getMetadata().getName(), "", List.of("flood", Long.toString(total)), slow);

        // The client takes nothing: the runtime's writer stops once the buffers on the way are full.
        await().atMost(DEADLINE).until(() -> {
            Thread writer = runtime.floodThread;
            return writer != null && writer.getState() == Thread.State.WAITING;
        });
        assertThat(runtime.floodWritten.get()).isLessThan(total / 2);

        reading.countDown();
        assertThat(stream.await(DEADLINE)).hasValue(0);
        assertThat(received.get()).isEqualTo(total);
    }

    @Test
    void closingAnExecAtTheClientKillsTheCommand() throws Exception {
        Pod pod = pod("n1", "web");
        run(pod, "web", 0);
        int startedBefore = runtime.execsStarted.get();
        int killedBefore = runtime.killedSessions.get();
        PodStream stream = api.exec(NS, pod.getMetadata().getName(), "", List.of("sleep"), new Collected());
        await().atMost(DEADLINE).until(() -> runtime.execsStarted.get() == startedBefore + 1);

        stream.close();

        await().atMost(DEADLINE).until(() -> runtime.killedSessions.get() == killedBefore + 1);
        assertThatThrownBy(() -> stream.await(DEADLINE))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.CANCELLED));
    }

    @Test
    void aPodOfSeveralContainersNeedsTheContainerNamed() throws Exception {
        Pod pod = pod("n1", "web", "sidecar");
        String sidecar = run(pod, "sidecar", 0);
        runtime.log(sidecar, OutputSink.Stream.STDOUT, "from the sidecar");
        String name = pod.getMetadata().getName();

        PodStream unnamed = api.logs(NS, name, LogOptions.defaults(), new Collected());
        assertThatThrownBy(() -> unnamed.await(DEADLINE))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("container: a container name must be specified for pod \"" + name
                        + "\", choose one of: [web sidecar]");

        PodStream unknown = api.logs(NS, name, LogOptions.defaults().withContainer("db"), new Collected());
        assertThatThrownBy(() -> unknown.await(DEADLINE))
                .isInstanceOf(InvalidException.class)
                .hasMessageContaining("container \"db\" is not valid for pod \"" + name + "\"");

        Collected out = new Collected();
        api.logs(NS, name, LogOptions.defaults().withContainer("sidecar"), out).await(DEADLINE);
        assertThat(out.stdout()).isEqualTo("from the sidecar\n");
    }

    @Test
    void aPodNotYetScheduledIsAFailedPrecondition() {
        Pod pod = pod("", "web");

        PodStream stream = api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults(), new Collected());

        assertThatThrownBy(() -> stream.await(DEADLINE))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining("pod is not scheduled");
    }

    @Test
    void aMissingPodIsNotFound() {
        PodStream stream = api.exec(NS, "no-such-pod", "", List.of("echo"), new Collected());

        assertThatThrownBy(() -> stream.await(DEADLINE))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-pod");
    }

    @Test
    void aNodeWithoutAKubeletEndpointIsAFailedPrecondition() {
        api.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("n-silent"))
                        .build());
        Pod pod = pod("n-silent", "web");

        PodStream stream = api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults(), new Collected());

        assertThatThrownBy(() -> stream.await(DEADLINE))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining("node \"n-silent\" has no kubelet endpoint");
    }

    @Test
    void aKubeletHoldingAnotherTokenRefusesTheApiServer() throws Exception {
        FakeStreamingRuntime otherRuntime = new FakeStreamingRuntime("n-other", Clock.systemUTC());
        try (KubeletServer other = new KubeletServer(
                        otherRuntime,
                        KubeletClientToken.fixed("a-token-no-api-server-holds"),
                        "127.0.0.1",
                        0,
                        Clock.systemUTC())
                .start()) {
            registerNode("n-other", other.endpoint());
            Pod pod = pod("n-other", "web");
            otherRuntime.run(pod.getMetadata().getUid(), NS, pod.getMetadata().getName(), "web", 0);

            PodStream stream = api.exec(NS, pod.getMetadata().getName(), "", List.of("echo", "hi"), new Collected());

            assertThatThrownBy(() -> stream.await(DEADLINE))
                    .isInstanceOf(UnauthenticatedException.class)
                    .hasMessageContaining("the kubelet of node \"n-other\"")
                    .hasMessageContaining("refused the API server's credentials");
            assertThat(otherRuntime.execsStarted.get()).isZero();
        }
    }

    @Test
    void anUnreachableKubeletIsUnavailable() throws Exception {
        String endpoint;
        try (KubeletServer gone = new KubeletServer(
                        new FakeStreamingRuntime("n-gone", Clock.systemUTC()), token, "127.0.0.1", 0, Clock.systemUTC())
                .start()) {
            endpoint = gone.endpoint();
        }
        registerNode("n-gone", endpoint);
        Pod pod = pod("n-gone", "web");

        PodStream stream = api.logs(NS, pod.getMetadata().getName(), LogOptions.defaults(), new Collected());

        assertThatThrownBy(() -> stream.await(DEADLINE))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE))
                .hasMessageContaining("cannot reach the kubelet of node \"n-gone\"");
    }
}
