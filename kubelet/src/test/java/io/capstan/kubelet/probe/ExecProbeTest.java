package io.capstan.kubelet.probe;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.OutputSink.Stream;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.ExecAction;
import io.capstan.proto.api.v1.Probe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exec probes through the fake runtime's scripted exec. */
class ExecProbeTest {
    private final FakeRuntime runtime = new FakeRuntime("node-1", Clock.systemUTC());
    private final ActionProber prober = new ActionProber(runtime);
    private ProbeTarget target = new ProbeTarget("none", "127.0.0.1", List.of());

    @BeforeEach
    void runContainer() throws Exception {
        ContainerLabels labels = labels();
        String id = runtime.create(new ContainerConfig(
                labels, "busybox", List.of(), List.of(), "", Map.of(), List.of(), List.of(), 0, 0, Path.of("/tmp")));
        runtime.start(id);
        target = new ProbeTarget(id, "127.0.0.1", List.of());
    }

    private static ContainerLabels labels() {
        return new ContainerLabels("node-1", "uid-1", "default", "web-1", "web", 0);
    }

    private static Probe exec(String... command) {
        return Probe.newBuilder()
                .setExec(ExecAction.newBuilder().addAllCommand(List.of(command)))
                .build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void exitZeroPassesWithTheOutput() {
        runtime.setExecHandler((id, command, output) -> {
            output.write(Stream.STDOUT, bytes("healthy\n"));
            return 0;
        });

        ProbeResult result = prober.probe(exec("cat", "/tmp/healthy"), target, ofSeconds(5));

        assertThat(result).isEqualTo(ProbeResult.success("healthy\n"));
    }

    @Test
    void nonZeroExitFailsWithCommandCodeAndOutput() {
        runtime.setExecHandler((id, command, output) -> {
            output.write(Stream.STDERR, bytes("cat: can't open '/tmp/healthy': No such file or directory\n"));
            return 1;
        });

        ProbeResult result = prober.probe(exec("cat", "/tmp/healthy"), target, ofSeconds(5));

        assertThat(result)
                .isEqualTo(ProbeResult.failure("command \"cat /tmp/healthy\" exited with 1: "
                        + "cat: can't open '/tmp/healthy': No such file or directory"));
    }

    @Test
    void commandGetsTheContainerAndItsArguments() {
        runtime.setExecHandler((id, command, output) ->
                id.equals(target.containerId()) && command.equals(List.of("sh", "-c", "test -f /tmp/ready")) ? 0 : 2);

        assertThat(prober.probe(exec("sh", "-c", "test -f /tmp/ready"), target, ofSeconds(5))
                        .passed())
                .isTrue();
    }

    @Test
    void commandOutlivingTheTimeoutFailsAndIsEnded() throws Exception {
        CountDownLatch killed = new CountDownLatch(1);
        runtime.setExecHandler((id, command, output) -> {
            try {
                new CountDownLatch(1).await(); // hangs until the session is closed
                return 0;
            } catch (InterruptedException e) {
                killed.countDown();
                throw e;
            }
        });

        ProbeResult result = prober.probe(exec("sleep", "60"), target, ofMillis(200));

        assertThat(result).isEqualTo(ProbeResult.failure("command \"sleep 60\" timed out"));
        assertThat(killed.await(10, TimeUnit.SECONDS))
                .as("the session was closed")
                .isTrue();
    }

    @Test
    void outputIsKeptUpTo10KiB() {
        runtime.setExecHandler((id, command, output) -> {
            for (int i = 0; i < 30; i++) {
                output.write(Stream.STDOUT, bytes("x".repeat(1024)));
            }
            return 0;
        });

        ProbeResult result = prober.probe(exec("yes"), target, ofSeconds(5));

        assertThat(result.message()).hasSize(10 * 1024);
    }

    @Test
    void containerNotRunningIsUnknown() {
        runtime.stop(target.containerId(), java.time.Duration.ZERO);

        ProbeResult result = prober.probe(exec("true"), target, ofSeconds(5));

        assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNKNOWN);
        assertThat(result.message()).contains("not running");
    }

    @Test
    void defaultFakeExecPasses() {
        assertThat(prober.probe(exec("true"), target, ofSeconds(1))).isEqualTo(ProbeResult.success(""));
    }
}
