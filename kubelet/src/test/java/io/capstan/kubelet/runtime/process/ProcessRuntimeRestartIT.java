package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A kubelet restart is a new runtime on the same state directory, here in the same JVM. */
class ProcessRuntimeRestartIT extends ProcessRuntimeTestBase {
    private static final String WAIT_FOR_GO =
            "echo before; while [ ! -f go ]; do sleep 0.02; done; echo after; echo oops >&2; exit 7";

    @Test
    void aNewRuntimeTakesBackARunningProcessAndSeesItsLaterExit() throws Exception {
        ProcessRuntime first = newRuntime();
        String id = run(first, shell("web", "main", WAIT_FOR_GO));
        awaitLog(first, id, "before");
        long pid = pid(id);
        RuntimeContainer running = first.inspect(id);

        first.close();
        assertThat(ProcStat.isAlive(pid, 0))
                .as("close leaves the process running")
                .isTrue();

        ProcessRuntime second = newRuntime();
        List<String> exits = Collections.synchronizedList(new ArrayList<>());
        second.setListener((labels, changed) -> exits.add(changed));
        RuntimeContainer adopted = second.inspect(id);
        assertThat(adopted.state()).isEqualTo(State.RUNNING);
        assertThat(adopted.startedAt()).isEqualTo(running.startedAt());
        assertThat(adopted.labels()).isEqualTo(running.labels());
        assertThat(pid(id)).as("not restarted").isEqualTo(pid);

        Files.createFile(podDir("web").resolve("root/go"));

        RuntimeContainer exited = awaitExited(second, id);
        assertThat(exited.exitCode()).isEqualTo(7);
        assertThat(exits).contains(id);
        RecordingSink sink = new RecordingSink();
        second.logs(id, io.capstan.kubelet.runtime.LogOptions.all(), sink);
        assertThat(sink.stdout()).isEqualTo("before\nafter\n");
        assertThat(sink.stderr()).isEqualTo("oops\n");
    }

    @Test
    void anExitWhileNoRuntimeRanIsFoundWithItsCodeAndOutput() throws Exception {
        ProcessRuntime first = newRuntime();
        String id = run(first, shell("web", "main", WAIT_FOR_GO));
        awaitLog(first, id, "before");
        long wrapper = wrapperPid(id);
        first.close();

        Files.createFile(podDir("web").resolve("root/go"));
        Path exitFile = stateDir().resolve("containers").resolve(id).resolve("exit");
        await().atMost(WAIT).until(() -> Files.exists(exitFile) && !ProcStat.isAlive(wrapper, 0));

        ProcessRuntime second = newRuntime();
        RuntimeContainer exited = second.inspect(id);
        assertThat(exited.state()).isEqualTo(State.EXITED);
        assertThat(exited.exitCode()).isEqualTo(7);
        assertThat(exited.finishedAt()).isAfterOrEqualTo(exited.startedAt());
        assertThat(logs(second, id)).contains("before\n", "after\n", "oops\n");
    }

    @Test
    void aProcessWhoseWrapperWasKilledIsReportedLostOnceItEnds() throws Exception {
        ProcessRuntime first = newRuntime();
        String id = run(first, shell("web", "main", WAIT_FOR_GO));
        awaitLog(first, id, "before");
        first.close();
        long wrapper = wrapperPid(id);
        ProcessHandle.of(wrapper).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(WAIT).until(() -> !ProcStat.isAlive(wrapper, 0));

        ProcessRuntime second = newRuntime();
        assertThat(second.inspect(id).state())
                .as("the process itself still runs")
                .isEqualTo(State.RUNNING);
        Files.createFile(podDir("web").resolve("root/go"));

        RuntimeContainer lost = awaitExited(second, id);
        assertThat(lost.exitCode()).isEqualTo(137);
        assertThat(lost.reason()).isEqualTo("ContainerStatusUnknown");
        assertThat(logs(second, id)).contains("after\n");
    }

    @Test
    void aTakenBackProcessCanBeStopped() throws Exception {
        ProcessRuntime first = newRuntime();
        String id = run(first, shell("web", "main", "sleep 300 & sleep 300"));
        long pid = pid(id);
        first.close();

        ProcessRuntime second = newRuntime();
        second.stop(id, Duration.ofSeconds(10));

        assertThat(second.inspect(id).exitCode()).isEqualTo(128 + 15);
        assertThat(new ProcessGroups(Path.of("/bin/sh")).isEmpty(pid)).isTrue();
    }

    @Test
    void aSecondRuntimeOfTheSameNodeOnTheSameStateIsRefused() throws Exception {
        newRuntime();

        assertThatThrownBy(this::newRuntime)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another process runtime of node " + NODE);
    }

    @Test
    void aReusedPidIsNotTakenForOurs() throws Exception {
        long self = ProcessHandle.current().pid();
        long ticks = ProcStat.read(self).orElseThrow().startTicks();

        assertThat(ProcStat.isAlive(self, ticks)).isTrue();
        assertThat(ProcStat.isAlive(self, ticks + 1)).isFalse();
    }
}
