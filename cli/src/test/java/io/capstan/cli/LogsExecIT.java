package io.capstan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ExecOutput;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OutputChunk;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.kubelet.v1.ContainerExecRequest;
import io.capstan.proto.kubelet.v1.ContainerLogsRequest;
import io.capstan.proto.kubelet.v1.KubeletServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capstan logs} and {@code capstan exec} against an in-process control plane whose node's
 * kubelet is a stand-in serving KubeletService with known output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LogsExecIT {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> PRESENTED = Context.key("presented");

    private TestControlPlane cluster;
    private ObjectClient client;
    private Server kubelet;
    private final AtomicReference<ContainerLogsRequest> lastLogs = new AtomicReference<>();
    private final AtomicReference<ContainerExecRequest> lastExec = new AtomicReference<>();
    private final AtomicReference<String> presentedToken = new AtomicReference<>();

    /** Answers as a kubelet would, with fixed output, and records what it was asked. */
    private final class StandInKubelet extends KubeletServiceGrpc.KubeletServiceImplBase {
        @Override
        public void logs(ContainerLogsRequest request, StreamObserver<OutputChunk> out) {
            lastLogs.set(request);
            presentedToken.set(PRESENTED.get());
            out.onNext(chunk(OutputChunk.Stream.STREAM_STDOUT, "line one\n"));
            out.onNext(chunk(OutputChunk.Stream.STREAM_STDERR, "line two\n"));
            out.onCompleted();
        }

        @Override
        public void exec(ContainerExecRequest request, StreamObserver<ExecOutput> out) {
            lastExec.set(request);
            presentedToken.set(PRESENTED.get());
            out.onNext(ExecOutput.newBuilder()
                    .setOutput(chunk(
                            OutputChunk.Stream.STREAM_STDOUT,
                            "ran " + String.join(" ", request.getCommandList()) + "\n"))
                    .build());
            out.onNext(ExecOutput.newBuilder()
                    .setOutput(chunk(OutputChunk.Stream.STREAM_STDERR, "a warning\n"))
                    .build());
            out.onNext(ExecOutput.newBuilder()
                    .setExitCode(request.getCommandList().contains("fail") ? 42 : 0)
                    .build());
            out.onCompleted();
        }
    }

    private static OutputChunk chunk(OutputChunk.Stream stream, String text) {
        return OutputChunk.newBuilder()
                .setStream(stream)
                .setData(ByteString.copyFromUtf8(text))
                .build();
    }

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        client = cluster.client();
        ServerInterceptor recordToken = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String header = String.valueOf(headers.get(AUTHORIZATION));
                return Contexts.interceptCall(Context.current().withValue(PRESENTED, header), call, headers, next);
            }
        };
        kubelet = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(new StandInKubelet(), recordToken))
                .build()
                .start();
        Node node = client.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName("n1"))
                        .build());
        client.nodes()
                .updateStatus(node.toBuilder()
                        .setStatus(NodeStatus.newBuilder().setKubeletEndpoint("127.0.0.1:" + kubelet.getPort()))
                        .build());
        client.pods().create(pod("web", "n1", "main"));
        client.pods().create(pod("duo", "n1", "main", "sidecar"));
    }

    @AfterAll
    void stop() {
        if (kubelet != null) {
            kubelet.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Pod pod(String name, String node, String... containers) {
        PodSpec.Builder spec = PodSpec.newBuilder().setNodeName(node);
        for (String container : containers) {
            spec.addContainers(Container.newBuilder().setName(container).setImage("busybox"));
        }
        return Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace("default").setName(name))
                .setSpec(spec)
                .build();
    }

    record Result(int exitCode, String out, String err) {}

    private Result capstan(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--server", cluster.plane().apiAddress(0), "--token", ControlPlane.TOKEN));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Capstan.execute(
                all.toArray(String[]::new),
                new ByteArrayInputStream(new byte[0]),
                new PrintWriter(out),
                new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void logsPrintsTheContainersLogOnStdout() {
        Result result = capstan("logs", "web");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("line one\nline two\n");
        assertThat(result.err()).isEmpty();
        assertThat(lastLogs.get().getContainer().getContainer()).isEqualTo("main");
        String secretToken = client.secrets()
                .get("kube-system", "capstan-kubelet-client")
                .getDataMap()
                .get("token")
                .toStringUtf8();
        assertThat(presentedToken.get()).isEqualTo("Bearer " + secretToken);
    }

    @Test
    void logsFlagsReachTheKubelet() {
        Result result =
                capstan("logs", "duo", "-c", "sidecar", "-f", "--tail", "5", "--since", "5m", "-p", "--timestamps");

        assertThat(result.exitCode()).isZero();
        ContainerLogsRequest asked = lastLogs.get();
        assertThat(asked.getContainer().getContainer()).isEqualTo("sidecar");
        assertThat(asked.getContainer().getPodName()).isEqualTo("duo");
        assertThat(asked.getOptions().getFollow()).isTrue();
        assertThat(asked.getOptions().getTailLines()).isEqualTo(5);
        assertThat(asked.getOptions().getSinceSeconds()).isEqualTo(300);
        assertThat(asked.getOptions().getPrevious()).isTrue();
        assertThat(asked.getOptions().getTimestamps()).isTrue();
    }

    @Test
    void logsOfAPodOfSeveralContainersWithoutOneNamedListsThem() {
        Result result = capstan("logs", "duo");

        assertThat(result.exitCode()).isEqualTo(Capstan.ERROR);
        assertThat(result.err())
                .isEqualTo("error: container: a container name must be specified for pod \"duo\", choose one of:"
                        + " [main sidecar]\n");
    }

    @Test
    void logsOfAMissingPodIsOneErrorLine() {
        Result result = capstan("logs", "nope");

        assertThat(result.exitCode()).isEqualTo(Capstan.ERROR);
        assertThat(result.err()).isEqualTo("error: Pod default/nope not found\n");
    }

    @Test
    void execSplitsStdoutAndStderrAndExitsWithTheCommandsCode() {
        Result ok = capstan("exec", "web", "--", "ls", "-l", "/");
        Result failed = capstan("exec", "duo", "-c", "main", "--", "fail");

        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).isEqualTo("ran ls -l /\n");
        assertThat(ok.err()).isEqualTo("a warning\n");
        assertThat(failed.exitCode()).isEqualTo(42);
        assertThat(lastExec.get().getContainer().getContainer()).isEqualTo("main");
        assertThat(lastExec.get().getCommandList()).containsExactly("fail");
    }

    @Test
    void execWithoutACommandIsAUsageError() {
        Result result = capstan("exec", "web");

        assertThat(result.exitCode()).isEqualTo(Capstan.ERROR);
        assertThat(result.err()).startsWith("error: ").contains("COMMAND");
    }
}
