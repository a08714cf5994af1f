package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.RuntimeContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRuntimeStopIT extends ProcessRuntimeTestBase {
    private final ProcessGroups groups = new ProcessGroups(Path.of("/bin/sh"));

    @Test
    void aProcessTrappingTermGetsToExitCleanlyWithinTheGrace() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "trap 'echo bye; exit 0' TERM; echo ready; sleep 300 & wait"));
        awaitLog(runtime, id, "ready");

        long began = System.nanoTime();
        runtime.stop(id, Duration.ofSeconds(30));

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(15));
        RuntimeContainer stopped = runtime.inspect(id);
        assertThat(stopped.exited()).isTrue();
        assertThat(stopped.exitCode()).isZero();
        assertThat(logs(runtime, id)).isEqualTo("ready\nbye\n");
    }

    @Test
    void aProcessIgnoringTermIsKilledOnceTheGraceHasPassed() throws Exception {
        ProcessRuntime runtime = newRuntime();
        // the ignored TERM is inherited by the sleeps too
        String id = run(runtime, shell("web", "main", "trap '' TERM; echo ready; sleep 300 & sleep 300"));
        awaitLog(runtime, id, "ready");
        long pid = pid(id);
        Duration grace = Duration.ofMillis(700);

        long began = System.nanoTime();
        runtime.stop(id, grace);

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(grace);
        assertThat(runtime.inspect(id).exitCode()).isEqualTo(128 + 9);
        assertThat(groups.isEmpty(pid)).isTrue();
    }

    @Test
    void aZeroGraceKillsAtOnce() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "trap 'exit 0' TERM; echo ready; sleep 300 & wait"));
        awaitLog(runtime, id, "ready");

        runtime.stop(id, Duration.ZERO);

        assertThat(runtime.inspect(id).exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void stopLeavesNothingOfTheProcessGroupBehind() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300 & sleep 300"));
        long pid = pid(id);
        await().atMost(WAIT)
                .until(() -> ProcStat.groupMembers(pid).stream()
                                .filter(p -> comm(p.pid()).equals("sleep"))
                                .count()
                        == 2);
        List<Long> members =
                ProcStat.groupMembers(pid).stream().map(ProcStat::pid).toList();

        runtime.stop(id, Duration.ofSeconds(10));

        assertThat(groups.isEmpty(pid)).isTrue();
        assertThat(members).noneMatch(member -> ProcStat.isAlive(member, 0));
        assertThat(runtime.inspect(id).exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void whatTheMainProcessLeavesInItsGroupIsKilledWhenItExits() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300 & exit 4"));
        long pid = pid(id);

        assertThat(awaitExited(runtime, id).exitCode()).isEqualTo(4);
        await().atMost(WAIT).until(() -> groups.isEmpty(pid));
    }

    @Test
    void stoppingAnExitedOrUnknownContainerDoesNothing() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "exit 2"));
        awaitExited(runtime, id);

        runtime.stop(id, Duration.ofSeconds(5));
        runtime.stop("no-such-container", Duration.ofSeconds(5));

        assertThat(runtime.inspect(id).exitCode()).isEqualTo(2);
    }

    @Test
    void aStopRightAfterStartStillReachesTheWholeGroup() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300 & sleep 300"));
        long pid = pid(id);

        runtime.stop(id, Duration.ofSeconds(10));

        assertThat(groups.isEmpty(pid)).isTrue();
        assertThat(runtime.inspect(id).exited()).isTrue();
    }

    private static String comm(long pid) {
        try {
            return java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
