package io.capstan.kubelet.runtime.docker;

import static io.capstan.kubelet.runtime.docker.DockerFixture.DEADLINE;
import static io.capstan.kubelet.runtime.docker.DockerFixture.awaitExited;
import static io.capstan.kubelet.runtime.docker.DockerFixture.awaitLog;
import static io.capstan.kubelet.runtime.docker.DockerFixture.logs;
import static io.capstan.kubelet.runtime.docker.DockerFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.docker.DockerSettings.NetworkMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Exec, logs and the events listener on a real engine. */
@ExtendWith(DockerTestSupport.EngineAnswers.class)
class DockerRuntimeStreamsIT {
    /** Runs until /tmp/go exists, writing "one" before and "two" after. */
    private static final String ONE_GO_TWO =
            "echo one; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo two; sleep 300";

    @TempDir
    Path tempDir;

    private DockerFixture fixture;
    private DockerRuntime runtime;

    @BeforeEach
    void connect() {
        fixture = new DockerFixture(tempDir);
        runtime = fixture.runtime(NetworkMode.HOST);
    }

    @AfterEach
    void removeContainers() {
        fixture.close();
    }

    private String sleeper() throws Exception {
        return run(
                runtime,
                fixture.config("main", "sh", "-c", "echo ready; while true; do sleep 1; done")
                        .build());
    }

    private void execOk(String id, String... command) throws Exception {
        CollectingSink sink = new CollectingSink();
        try (ExecSession session = runtime.exec(id, List.of(command), sink)) {
            assertThat(session.await(DEADLINE)).as(sink.all()).hasValue(0);
        }
    }

    @Test
    void execStreamsStdoutAndStderrAndGivesTheExitCode() throws Exception {
        String id = sleeper();
        CollectingSink sink = new CollectingSink();

        OptionalInt code;
        try (ExecSession session =
                runtime.exec(id, List.of("sh", "-c", "echo out; echo err >&2; echo $HOSTNAME-ok; exit 3"), sink)) {
            code = session.await(DEADLINE);
        }

        assertThat(code).hasValue(3);
        assertThat(sink.stdout()).endsWith("-ok\n").startsWith("out\n");
        assertThat(sink.stderr()).isEqualTo("err\n");
        assertThat(sink.isClosed()).isTrue();
        assertThat(sink.error()).isNull();
    }

    @Test
    void execOfAMissingProgramFailsWithANonZeroCode() throws Exception {
        String id = sleeper();
        CollectingSink sink = new CollectingSink();

        try (ExecSession session = runtime.exec(id, List.of("/bin/no-such-program"), sink)) {
            OptionalInt code = session.await(DEADLINE);
            assertThat(code).isPresent();
            assertThat(code.getAsInt()).isNotZero();
        }
    }

    @Test
    void execInAnExitedOrUnknownContainerIsNoSuchContainer() throws Exception {
        String id = run(runtime, fixture.config("done", "true").build());
        awaitExited(runtime, id);

        assertThatThrownBy(() -> runtime.exec(id, List.of("true"), new CollectingSink()))
                .isInstanceOf(NoSuchContainerException.class);
        assertThatThrownBy(() -> runtime.exec("no-such-container", List.of("true"), new CollectingSink()))
                .isInstanceOf(NoSuchContainerException.class);
    }

    @Test
    void closingAnExecSessionEndsItsCommand() throws Exception {
        String id = sleeper();
        CollectingSink sink = new CollectingSink();
        ExecSession session = runtime.exec(id, List.of("sh", "-c", "echo started; exec sleep 301"), sink);
        await().atMost(DEADLINE).until(() -> sink.stdout().contains("started"));
        assertThat(session.await(Duration.ofMillis(200))).isEmpty();

        session.close();
        session.close();

        assertThat(sink.closes()).isEqualTo(1);
        await().atMost(DEADLINE).untilAsserted(() -> {
            CollectingSink ps = new CollectingSink();
            try (ExecSession list = runtime.exec(id, List.of("ps"), ps)) {
                assertThat(list.await(DEADLINE)).hasValue(0);
            }
            assertThat(ps.stdout()).contains("sleep 1").doesNotContain("sleep 301");
        });
    }

    @Test
    void logsOfAnExitedContainerAllOrTheTail() throws Exception {
        String id = run(
                runtime,
                fixture.config("printer", "sh", "-c", "for i in 1 2 3 4; do echo line$i; done; echo oops >&2")
                        .build());
        awaitExited(runtime, id);

        CollectingSink all = logs(runtime, id, LogOptions.all());
        CollectingSink tail = logs(runtime, id, new LogOptions(false, 2, null, false));
        CollectingSink followed = logs(runtime, id, new LogOptions(true, -1, null, false));

        assertThat(all.stdout()).isEqualTo("line1\nline2\nline3\nline4\n");
        assertThat(all.stderr()).isEqualTo("oops\n");
        // stdout and stderr reach the log through separate pipes: their interleaving is the engine's
        List<String> lines = all.all().lines().toList();
        assertThat(tail.all().lines()).containsExactlyElementsOf(lines.subList(lines.size() - 2, lines.size()));
        assertThat(followed.all()).isEqualTo(all.all());
        assertThat(followed.error()).isNull();
    }

    @Test
    void followStreamsWhatARunningContainerWritesUntilItExits() throws Exception {
        String id = run(
                runtime,
                fixture.config("talker", "sh", "-c", ONE_GO_TWO.replace("sleep 300", "exit 0"))
                        .build());
        CollectingSink sink = new CollectingSink();
        runtime.logs(id, new LogOptions(true, -1, null, false), sink);
        await().atMost(DEADLINE).until(() -> sink.all().equals("one\n"));

        execOk(id, "touch", "/tmp/go");

        assertThat(sink.awaitClosed(DEADLINE))
                .as("follow ended with the container")
                .isTrue();
        assertThat(sink.all()).isEqualTo("one\ntwo\n");
        assertThat(sink.error()).isNull();
    }

    @Test
    void closingAFollowEndsItWhileTheContainerRuns() throws Exception {
        String id = sleeper();
        CollectingSink sink = new CollectingSink();
        LogStream stream = runtime.logs(id, new LogOptions(true, -1, null, false), sink);
        await().atMost(DEADLINE).until(() -> sink.all().equals("ready\n"));

        stream.close();
        stream.close();

        assertThat(sink.awaitClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(sink.closes()).isEqualTo(1);
        assertThat(sink.error()).isNull();
        assertThat(runtime.inspect(id).running()).isTrue();
    }

    @Test
    void logsSinceAnInstantWithinTheSecondAndWithTimestamps() throws Exception {
        String id =
                run(runtime, fixture.config("talker", "sh", "-c", ONE_GO_TWO).build());
        awaitLog(runtime, id, "one");
        CollectingSink stamped = logs(runtime, id, new LogOptions(false, -1, null, true));
        String firstLine = stamped.all().lines().findFirst().orElseThrow();
        Instant one = Instant.parse(firstLine.substring(0, firstLine.indexOf(' ')));
        assertThat(firstLine).endsWith(" one");

        execOk(id, "touch", "/tmp/go");
        awaitLog(runtime, id, "two");

        CollectingSink since = logs(runtime, id, new LogOptions(false, -1, one.plusNanos(1000), false));
        CollectingSink sinceOne = logs(runtime, id, new LogOptions(false, -1, one, true));
        assertThat(since.all()).isEqualTo("two\n");
        assertThat(sinceOne.all().lines())
                .hasSize(2)
                .allSatisfy(line -> assertThat(Instant.parse(line.substring(0, line.indexOf(' '))))
                        .isAfterOrEqualTo(one));
        CollectingSink followSince = new CollectingSink();
        try (LogStream stream = runtime.logs(id, new LogOptions(true, 1, one.plusNanos(1000), false), followSince)) {
            await().atMost(DEADLINE).until(() -> followSince.all().equals("two\n"));
        }
    }

    @Test
    void logsOfAnUnknownContainerIsNoSuchContainer() {
        assertThatThrownBy(() -> runtime.logs("no-such-container", LogOptions.all(), new CollectingSink()))
                .isInstanceOf(NoSuchContainerException.class);
    }

    @Test
    void theListenerHearsStartsExitsAndRemovalsAndSurvivesABrokenStream() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        List<ContainerLabels> labels = new CopyOnWriteArrayList<>();
        runtime.setListener((container, id) -> {
            heard.add(id);
            labels.add(container);
        });
        DockerFixture.Config config = fixture.config("short", "sh", "-c", "exit 0");

        String id = run(runtime, config.build());
        await().atMost(DEADLINE).until(() -> heard.stream().filter(id::equals).count() >= 2); // start, die
        assertThat(labels).contains(config.labels());
        runtime.remove(id);
        await().atMost(DEADLINE).until(() -> heard.stream().filter(id::equals).count() >= 3); // destroy

        runtime.breakEventStream();
        await().atMost(DEADLINE).until(() -> runtime.eventConnections() == 2);
        String next = run(runtime, fixture.config("after", "sleep", "300").build());
        await().atMost(DEADLINE).until(() -> heard.contains(next));
    }

    @Test
    void theListenerIsNotToldOfAnotherNodesContainers() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        runtime.setListener((container, id) -> heard.add(id));
        String otherNode = fixture.otherNode();
        DockerRuntime other = fixture.runtime(otherNode, DockerSettings.defaults());

        String theirs =
                run(other, fixture.config("theirs", "true").node(otherNode).build());
        String mine = run(runtime, fixture.config("mine", "true").build());

        await().atMost(DEADLINE).until(() -> heard.contains(mine));
        awaitExited(other, theirs);
        String marker = run(runtime, fixture.config("marker", "true").build());
        await().atMost(DEADLINE).until(() -> heard.contains(marker));
        assertThat(heard).doesNotContain(theirs);
    }
}
