package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProcessRuntimeExecIT extends ProcessRuntimeTestBase {

    @Test
    void runsInTheContainersEnvironmentAndWorkingDirectory() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(
                runtime,
                withWorkingDir(
                        config(
                                "web",
                                "main",
                                0,
                                "sleep",
                                List.of(),
                                List.of("300"),
                                Map.of("GREETING", "hi"),
                                List.of(),
                                List.of()),
                        "/srv"));
        RecordingSink sink = new RecordingSink();

        try (ExecSession exec =
                runtime.exec(id, List.of("sh", "-c", "echo $GREETING; pwd; echo oops >&2; exit 5"), sink)) {
            assertThat(exec.await(WAIT)).isEqualTo(OptionalInt.of(5));
        }

        assertThat(sink.stdout()).isEqualTo("hi\n" + podDir("web").resolve("root/srv") + "\n");
        assertThat(sink.stderr()).isEqualTo("oops\n");
        assertThat(sink.closes()).isEqualTo(1);
    }

    @Test
    void closeKillsTheCommandAndWhatItStarted() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300"));
        RecordingSink sink = new RecordingSink();
        ExecSession exec = runtime.exec(id, List.of("sh", "-c", "echo $$ > exec.pid; sleep 300 & sleep 300"), sink);
        Path pidFile = podDir("web").resolve("root/exec.pid");
        await().atMost(WAIT)
                .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(exec.await(Duration.ofMillis(50))).isEmpty();

        exec.close();

        assertThat(exec.await(WAIT)).isEqualTo(OptionalInt.of(128 + 9));
        await().atMost(WAIT).until(() -> new ProcessGroups(Path.of("/bin/sh")).isEmpty(pid));
        await().atMost(WAIT).until(sink::closed);
        exec.close();
        assertThat(runtime.inspect(id).running()).isTrue();
    }

    @Test
    void aMissingCommandExitsWith127() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300"));
        RecordingSink sink = new RecordingSink();

        try (ExecSession exec = runtime.exec(id, List.of("no-such-command-xyz"), sink)) {
            assertThat(exec.await(WAIT)).isEqualTo(OptionalInt.of(127));
        }
        assertThat(sink.stderr()).contains("no-such-command-xyz");
    }

    @Test
    void aContainerThatIsNotRunningCannotExec() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String created = runtime.create(inPod(shell("web", "idle", "true")));
        String exited = run(runtime, shell("web", "main", "exit 0"));
        awaitExited(runtime, exited);

        assertThatThrownBy(() -> runtime.exec(created, List.of("true"), new RecordingSink()))
                .isInstanceOf(NoSuchContainerException.class);
        assertThatThrownBy(() -> runtime.exec(exited, List.of("true"), new RecordingSink()))
                .isInstanceOf(NoSuchContainerException.class);
        assertThatThrownBy(() -> runtime.exec("nope", List.of("true"), new RecordingSink()))
                .isInstanceOf(NoSuchContainerException.class);
    }

    @Test
    void stoppingTheContainerEndsItsExecs() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300"));
        RecordingSink sink = new RecordingSink();
        ExecSession exec = runtime.exec(id, List.of("sleep", "300"), sink);

        runtime.stop(id, Duration.ofSeconds(5));

        assertThat(exec.await(WAIT)).isEqualTo(OptionalInt.of(128 + 9));
    }
}
