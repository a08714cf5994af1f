package io.capstan.kubelet.runtime.docker;

import static io.capstan.kubelet.runtime.docker.DockerFixture.awaitExited;
import static io.capstan.kubelet.runtime.docker.DockerFixture.awaitLog;
import static io.capstan.kubelet.runtime.docker.DockerFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ImageRef;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.PullPolicy;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.docker.DockerSettings.NetworkMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Containers on a real engine: run, exit codes, env, limits, mounts, stop, OOM, node scoping. */
@ExtendWith(DockerTestSupport.EngineAnswers.class)
class DockerRuntimeIT {
    private static final Logger log = LoggerFactory.getLogger(DockerRuntimeIT.class);
    private static final long MIB = 1024 * 1024;

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

    @Test
    void runsACommandToItsExitCode() throws Exception {
        ImageRef image = runtime.ensureImage(DockerTestSupport.IMAGE, PullPolicy.IF_NOT_PRESENT);
        DockerFixture.Config config = fixture.config("main", "sh", "-c", "echo hello; exit 7");

        List<Long> millis = new ArrayList<>();
        String id = "";
        for (int i = 0; i < 5; i++) {
            config.attempt = i;
            long started = System.nanoTime();
            id = run(runtime, config.build());
            millis.add((System.nanoTime() - started) / 1_000_000);
        }
        log.info("create+start of 5 containers took {} ms", millis);

        RuntimeContainer exited = awaitExited(runtime, id);
        assertThat(exited.exitCode()).isEqualTo(7);
        assertThat(exited.reason()).isEmpty();
        assertThat(exited.labels()).isEqualTo(config.labels());
        assertThat(exited.imageId()).isEqualTo(image.imageId());
        assertThat(exited.startedAt()).isNotNull();
        assertThat(exited.finishedAt()).isNotNull().isAfterOrEqualTo(exited.startedAt());
        assertThat(exited.createdAt()).isBeforeOrEqualTo(exited.startedAt());
        assertThat(awaitLog(runtime, id, "hello")).isEqualTo("hello\n");
        assertThat(fixture.inspectRaw(id).getName())
                .isEqualTo("/capstan_default_" + config.podName + "_main_4_"
                        + config.podUid.replace("-", "").substring(0, 8));
    }

    @Test
    void hostNetworkingHandsThePortsOverInEnvironmentVariables() throws Exception {
        int http = DockerFixture.freePort();
        int metrics = DockerFixture.freePort();
        DockerFixture.Config config = fixture.config("web", "env")
                .env("GREETING", "hi there")
                .env("PORT", "8080")
                .port("http-alt", 8080, http)
                .port("", 9090, metrics);

        String id = run(runtime, config.build());

        assertThat(awaitExited(runtime, id).exitCode()).isZero();
        assertThat(awaitLog(runtime, id, "GREETING").lines())
                .contains(
                        "GREETING=hi there",
                        "PORT=" + http,
                        "PORT_8080=" + http,
                        "PORT_HTTP_ALT=" + http,
                        "PORT_9090=" + metrics);
        assertThat(fixture.inspectRaw(id).getHostConfig().getNetworkMode()).isEqualTo("host");
    }

    @Test
    void appliesCpuAndMemoryLimitsAndLogRotation() throws Exception {
        runtime = fixture.runtime(fixture.node, DockerSettings.defaults().withLogRotation("1m", 2));
        String id = runtime.create(
                fixture.config("limited", "true").limits(250, 32 * MIB).build());

        InspectContainerResponse inspected = fixture.inspectRaw(id);
        assertThat(inspected.getHostConfig().getMemory()).isEqualTo(32 * MIB);
        assertThat(inspected.getHostConfig().getMemorySwap()).isEqualTo(32 * MIB);
        assertThat(inspected.getHostConfig().getNanoCPUs()).isEqualTo(250_000_000L);
        assertThat(inspected.getHostConfig().getLogConfig().getType().getType()).isEqualTo("json-file");
        assertThat(inspected.getHostConfig().getLogConfig().getConfig())
                .containsEntry("max-size", "1m")
                .containsEntry("max-file", "2");
    }

    @Test
    void mountsVolumesReadOnlyOrWritableWithArgsAndWorkingDir() throws Exception {
        Path config = Files.createDirectory(tempDir.resolve("config"));
        Files.writeString(config.resolve("greeting"), "from the host\n");
        Path data = Files.createDirectory(tempDir.resolve("data"));
        String script = "cat /config/greeting; pwd; echo written > out.txt;"
                + " touch /config/new 2>/dev/null && echo ro-ignored || echo ro-refused";

        String id = run(
                runtime,
                fixture.config("worker", "/bin/sh", "-c")
                        .args(script)
                        .workingDir("/data")
                        .mount(config, "/config", true)
                        .mount(data, "/data", false)
                        .build());

        assertThat(awaitExited(runtime, id).exitCode()).isZero();
        assertThat(awaitLog(runtime, id, "ro-").lines()).containsExactly("from the host", "/data", "ro-refused");
        assertThat(Files.readString(data.resolve("out.txt"))).isEqualTo("written\n");
        assertThat(config.resolve("new")).doesNotExist();
    }

    @Test
    void stopLetsAContainerThatHandlesTermExitWithinTheGrace() throws Exception {
        String id = run(
                runtime,
                fixture.config(
                                "graceful",
                                "sh",
                                "-c",
                                "trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done")
                        .build());
        awaitLog(runtime, id, "ready");

        long started = System.nanoTime();
        runtime.stop(id, Duration.ofSeconds(20));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        RuntimeContainer stopped = runtime.inspect(id);
        assertThat(stopped.exited()).isTrue();
        assertThat(stopped.exitCode()).isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(awaitLog(runtime, id, "got TERM")).contains("ready\ngot TERM");
        log.info("graceful stop took {} ms", took.toMillis());
    }

    @Test
    void stopKillsAContainerThatIgnoresTermOnceTheGraceHasPassed() throws Exception {
        String id = run(
                runtime,
                fixture.config("stubborn", "sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done")
                        .build());
        awaitLog(runtime, id, "ready");

        long started = System.nanoTime();
        runtime.stop(id, Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        RuntimeContainer stopped = runtime.inspect(id);
        assertThat(stopped.exited()).isTrue();
        assertThat(stopped.exitCode()).isEqualTo(137);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        log.info("stop after a 1 s grace took {} ms", took.toMillis());
    }

    @Test
    void stopWithZeroGraceKillsAtOnce() throws Exception {
        String id = run(
                runtime,
                fixture.config("killed", "sh", "-c", "trap 'exit 0' TERM; echo ready; while true; do sleep 0.1; done")
                        .build());
        awaitLog(runtime, id, "ready");

        runtime.stop(id, Duration.ZERO);

        RuntimeContainer stopped = runtime.inspect(id);
        assertThat(stopped.exited()).isTrue();
        assertThat(stopped.exitCode()).isEqualTo(137);
    }

    @Test
    void stopAndRemoveOfAnExitedOrUnknownContainerDoNothing() throws Exception {
        String id = run(runtime, fixture.config("done", "true").build());
        awaitExited(runtime, id);

        runtime.stop(id, Duration.ofSeconds(1));
        runtime.stop("no-such-container", Duration.ofSeconds(1));
        runtime.remove("no-such-container");
        runtime.remove(id);
        runtime.remove(id);

        assertThatThrownBy(() -> runtime.inspect(id)).isInstanceOf(NoSuchContainerException.class);
        assertThatThrownBy(() -> fixture.inspectRaw(id)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedOOMKilled() throws Exception {
        String id = run(
                runtime,
                fixture.config("hungry", "sh", "-c", "exec dd if=/dev/zero of=/dev/null bs=64M count=1")
                        .limits(0, 16 * MIB)
                        .build());

        RuntimeContainer exited = awaitExited(runtime, id);
        assertThat(exited.exitCode()).isEqualTo(137);
        assertThat(exited.reason()).isEqualTo("OOMKilled");
    }

    @Test
    void aFailedStartIsAStartErrorAndAnExitedContainer() throws Exception {
        String id =
                runtime.create(fixture.config("broken", "/bin/no-such-program").build());

        assertThatThrownBy(() -> runtime.start(id))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("StartError"))
                .hasMessageContaining("no-such-program");
        RuntimeContainer failed = runtime.inspect(id);
        assertThat(failed.state()).isEqualTo(RuntimeContainer.State.EXITED);
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.message()).contains("no-such-program");
    }

    @Test
    void aMissingImageIsACreateContainerError() {
        assertThatThrownBy(() -> runtime.create(fixture.config("ghost", "true")
                        .image("capstan/no-such-image:0")
                        .build()))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("CreateContainerError"))
                .hasMessageContaining("capstan/no-such-image:0");
    }

    @Test
    void seesOnlyTheContainersOfItsOwnNode() throws Exception {
        String otherNode = fixture.otherNode();
        DockerRuntime other = fixture.runtime(otherNode, DockerSettings.defaults());
        String mine = run(runtime, fixture.config("mine", "sleep", "300").build());
        String theirs = run(
                other, fixture.config("theirs", "sleep", "300").node(otherNode).build());

        assertThat(runtime.list()).extracting(RuntimeContainer::id).containsExactly(mine);
        assertThat(other.list()).extracting(RuntimeContainer::id).containsExactly(theirs);
        assertThatThrownBy(() -> runtime.inspect(theirs)).isInstanceOf(NoSuchContainerException.class);

        runtime.stop(theirs, Duration.ZERO);
        runtime.remove(theirs);
        assertThat(other.inspect(theirs).running()).isTrue();
        assertThatThrownBy(() -> runtime.create(
                        fixture.config("misplaced", "true").node(otherNode).build()))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("CreateContainerError"));
    }

    @Test
    void listsTheContainersOfOnePodByLabel() throws Exception {
        DockerFixture.Config a = fixture.config("a", "sleep", "300");
        DockerFixture.Config b = fixture.config("b", "sleep", "300");
        String first = run(runtime, a.build());
        a.attempt = 1;
        String second = run(runtime, a.build());
        String theirs = run(runtime, b.build());

        assertThat(runtime.list(a.podUid)).extracting(RuntimeContainer::id).containsExactlyInAnyOrder(first, second);
        assertThat(runtime.list(b.podUid)).extracting(RuntimeContainer::id).containsExactly(theirs);
        assertThat(runtime.list("no-such-pod")).isEmpty();
    }

    @Test
    void aNewRuntimeForTheNodeFindsItsRunningContainers() throws Exception {
        DockerFixture.Config config = fixture.config("survivor", "sleep", "300");
        String id = run(runtime, config.build());
        runtime.close();

        DockerRuntime restarted = fixture.runtime(NetworkMode.HOST);

        assertThat(restarted.list()).singleElement().satisfies(found -> {
            assertThat(found.id()).isEqualTo(id);
            assertThat(found.labels()).isEqualTo(config.labels());
            assertThat(found.running()).isTrue();
        });
        restarted.stop(id, Duration.ZERO);
        assertThat(restarted.inspect(id).exitCode()).isEqualTo(137);
    }

    @Test
    void creatingAgainReplacesAStoppedLeftoverOfTheSameAttempt() throws Exception {
        DockerFixture.Config config = fixture.config("again", "sleep", "300");
        String first = runtime.create(config.build());

        String second = runtime.create(config.build());

        assertThat(second).isNotEqualTo(first);
        assertThat(runtime.list()).extracting(RuntimeContainer::id).containsExactly(second);

        runtime.start(second);
        assertThatThrownBy(() -> runtime.create(config.build()))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("CreateContainerError"))
                .hasMessageContaining("in use");
    }
}
