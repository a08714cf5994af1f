package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRuntimeLogsIT extends ProcessRuntimeTestBase {

    @Test
    void keepsStdoutAndStderrApart() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "echo out; echo err >&2; printf 'no newline'"));
        awaitExited(runtime, id);

        RecordingSink sink = new RecordingSink();
        runtime.logs(id, LogOptions.all(), sink);

        assertThat(sink.stdout()).isEqualTo("out\nno newline");
        assertThat(sink.stderr()).isEqualTo("err\n");
        assertThat(sink.closes()).isEqualTo(1);
        assertThat(sink.error()).isNull();
    }

    @Test
    void tailGivesTheLastLines() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "i=1; while [ $i -le 10 ]; do echo line-$i; i=$((i+1)); done"));
        awaitExited(runtime, id);

        assertThat(read(runtime, id, new LogOptions(false, 3, null, false)).lines())
                .containsExactly("line-8", "line-9", "line-10");
        assertThat(read(runtime, id, new LogOptions(false, 0, null, false)).all())
                .isEmpty();
        assertThat(read(runtime, id, new LogOptions(false, 50, null, false)).lines())
                .hasSize(10);
    }

    @Test
    void sinceSkipsEarlierLines() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(
                runtime,
                shell("web", "main", "echo early; while [ ! -f go ]; do sleep 0.02; done; echo late; sleep 300"));
        awaitLog(runtime, id, "early");
        Instant between = Instant.now();
        Files.createFile(podDir("web").resolve("root/go"));
        awaitLog(runtime, id, "late");

        assertThat(read(runtime, id, new LogOptions(false, -1, between, false)).lines())
                .containsExactly("late");
    }

    @Test
    void timestampsPrefixEachLineWithItsTime() throws Exception {
        ProcessRuntime runtime = newRuntime();
        Instant before = Instant.now();
        String id = run(runtime, shell("web", "main", "echo one; echo two"));
        awaitExited(runtime, id);

        List<String> lines =
                read(runtime, id, new LogOptions(false, -1, null, true)).lines();

        assertThat(lines).hasSize(2);
        for (String line : lines) {
            String[] parts = line.split(" ", 2);
            assertThat(Instant.parse(parts[0])).isAfterOrEqualTo(before).isBeforeOrEqualTo(Instant.now());
        }
        assertThat(lines).extracting(l -> l.split(" ", 2)[1]).containsExactly("one", "two");
    }

    @Test
    void followStreamsNewLinesUntilTheContainerExits() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "echo one; while [ ! -f go ]; do sleep 0.02; done; echo two"));
        RecordingSink sink = new RecordingSink();
        runtime.logs(id, new LogOptions(true, -1, null, false), sink);
        await().atMost(WAIT).until(() -> sink.all().equals("one\n"));
        assertThat(sink.closed()).isFalse();

        Files.createFile(podDir("web").resolve("root/go"));

        await().atMost(WAIT).until(sink::closed);
        assertThat(sink.all()).isEqualTo("one\ntwo\n");
        assertThat(sink.error()).isNull();
    }

    @Test
    void followWithTailStartsFromTheLastLines() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(
                runtime,
                shell("web", "main", "echo a; echo b; echo c; while [ ! -f go ]; do sleep 0.02; done; echo d"));
        awaitLog(runtime, id, "c");
        RecordingSink sink = new RecordingSink();
        runtime.logs(id, new LogOptions(true, 1, null, false), sink);
        await().atMost(WAIT).until(() -> sink.all().equals("c\n"));

        Files.createFile(podDir("web").resolve("root/go"));

        await().atMost(WAIT).until(sink::closed);
        assertThat(sink.all()).isEqualTo("c\nd\n");
    }

    @Test
    void closingAFollowEndsIt() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "echo one; sleep 300"));
        RecordingSink sink = new RecordingSink();
        LogStream stream = runtime.logs(id, new LogOptions(true, -1, null, false), sink);
        await().atMost(WAIT).until(() -> sink.all().equals("one\n"));

        stream.close();

        await().atMost(WAIT).until(sink::closed);
        assertThat(sink.closes()).isEqualTo(1);
        assertThat(runtime.inspect(id).running()).isTrue();
    }

    @Test
    void removingTheContainerEndsAFollow() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "echo one; sleep 300"));
        RecordingSink sink = new RecordingSink();
        runtime.logs(id, new LogOptions(true, -1, null, false), sink);
        await().atMost(WAIT).until(() -> sink.all().equals("one\n"));

        runtime.remove(id);

        await().atMost(WAIT).until(sink::closed);
        assertThat(sink.all()).isEqualTo("one\n");
    }

    @Test
    void thePreviousInstanceStaysReadableUntilRemoved() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String first = run(runtime, attempt(shell("web", "main", "echo first run; exit 1"), 0));
        awaitExited(runtime, first);
        String second = run(runtime, attempt(shell("web", "main", "echo second run; sleep 300"), 1));
        awaitLog(runtime, second, "second run");

        assertThat(logs(runtime, first)).isEqualTo("first run\n");
        assertThat(logs(runtime, second)).isEqualTo("second run\n");
    }

    @Test
    void rotationKeepsAtMostMaxFilesOfAtMostMaxBytes() throws Exception {
        ProcessRuntime runtime = newRuntime(NODE, fastOptions().withLogRotation(4096, 3));
        String id = run(
                runtime,
                shell("web", "main", "i=1; while [ $i -le 2000 ]; do echo line-$i; i=$((i+1)); done; echo done"));
        awaitExited(runtime, id);

        List<String> lines = read(runtime, id, LogOptions.all()).lines();
        assertThat(lines).last().isEqualTo("done");
        assertThat(lines).doesNotContain("line-1").contains("line-2000");
        Path logDir = stateDir().resolve("containers").resolve(id).resolve("log");
        List<Long> sizes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir)) {
            for (Path file : files) {
                sizes.add(Files.size(file));
            }
        }
        assertThat(sizes).hasSizeLessThanOrEqualTo(3).allMatch(size -> size <= 4096);
        Path spool = stateDir().resolve("containers").resolve(id).resolve("stdout.raw");
        assertThat(Files.size(spool)).as("collected raw output is truncated").isLessThan(4096);
        assertThat(read(runtime, id, new LogOptions(false, 2, null, false)).lines())
                .containsExactly("line-2000", "done");
    }

    @Test
    void aLineLongerThan16KiBComesBackWhole() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(
                runtime,
                shell(
                        "web",
                        "main",
                        "i=0; while [ $i -lt 2000 ]; do printf 0123456789; i=$((i+1)); done; echo; echo next"));
        awaitExited(runtime, id);

        List<String> lines = read(runtime, id, LogOptions.all()).lines();

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).hasSize(20000).startsWith("0123456789");
        assertThat(lines.get(1)).isEqualTo("next");
        assertThat(read(runtime, id, new LogOptions(false, -1, null, true)).lines())
                .hasSize(2);
    }

    @Test
    void anUnknownContainerHasNoLogs() throws Exception {
        ProcessRuntime runtime = newRuntime();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> runtime.logs("nope", LogOptions.all(), new RecordingSink()))
                .isInstanceOf(io.capstan.kubelet.runtime.NoSuchContainerException.class);
    }

    private static RecordingSink read(ProcessRuntime runtime, String id, LogOptions options) throws Exception {
        RecordingSink sink = new RecordingSink();
        runtime.logs(id, options, sink);
        assertThat(sink.closed()).isTrue();
        return sink;
    }

    private static ContainerConfig attempt(ContainerConfig c, int attempt) {
        var l = c.labels();
        return new ContainerConfig(
                new io.capstan.kubelet.runtime.ContainerLabels(
                        l.node(), l.podUid(), l.podNamespace(), l.podName(), l.containerName(), attempt),
                c.image(),
                c.command(),
                c.args(),
                c.workingDir(),
                c.env(),
                c.mounts(),
                c.ports(),
                c.cpuMillis(),
                c.memoryBytes(),
                c.podDirectory());
    }
}
