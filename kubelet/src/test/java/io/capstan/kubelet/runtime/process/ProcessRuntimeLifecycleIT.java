package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProcessRuntimeLifecycleIT extends ProcessRuntimeTestBase {

    @Test
    void runsTheCommandAndRecordsItsExitCodeAndTimes() throws Exception {
        ProcessRuntime runtime = newRuntime();
        Instant before = Instant.now();
        String id = runtime.create(inPod(shell("web", "main", "echo hello; exit 3")));
        assertThat(runtime.inspect(id).state()).isEqualTo(State.CREATED);
        runtime.start(id);

        RuntimeContainer exited = awaitExited(runtime, id);

        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.reason()).isEmpty();
        assertThat(exited.imageId()).isEqualTo("sh");
        assertThat(exited.labels().containerName()).isEqualTo("main");
        assertThat(exited.createdAt()).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(exited.startedAt()).isAfterOrEqualTo(exited.createdAt());
        assertThat(exited.finishedAt()).isAfterOrEqualTo(exited.startedAt().minusSeconds(1));
        assertThat(logs(runtime, id)).isEqualTo("hello\n");
    }

    @Test
    void aProcessKilledBySignalNExitsWith128PlusN() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "kill -s TERM $$"));

        assertThat(awaitExited(runtime, id).exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void runsTheImageNameOnPathWhenTheCommandIsEmpty() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(
                runtime,
                config("web", "main", 0, "echo", List.of(), List.of("from", "image"), Map.of(), List.of(), List.of()));

        assertThat(awaitExited(runtime, id).exitCode()).isZero();
        assertThat(logs(runtime, id)).isEqualTo("from image\n");
    }

    @Test
    void environmentIsTheConfigsPlusPortsRootPathAndHomeOnly() throws Exception {
        ProcessRuntime runtime = newRuntime();
        ContainerConfig config = config(
                "web",
                "main",
                0,
                "env",
                List.of(),
                List.of(),
                Map.of("GREETING", "hello world", "EMPTY", ""),
                List.of(),
                List.of(
                        new ContainerConfig.PortMapping("http", 8080, 31544, "TCP", "127.0.0.1"),
                        new ContainerConfig.PortMapping("metrics-port", 9090, 31545, "TCP", "127.0.0.1")));
        String id = run(runtime, config);
        awaitExited(runtime, id);

        Map<String, String> env = Arrays.stream(logs(runtime, id).split("\n"))
                .map(line -> line.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        Path root = podDir("web").resolve("root");
        assertThat(env)
                .containsEntry("GREETING", "hello world")
                .containsEntry("EMPTY", "")
                .containsEntry("PORT", "31544")
                .containsEntry("PORT_8080", "31544")
                .containsEntry("PORT_HTTP", "31544")
                .containsEntry("PORT_9090", "31545")
                .containsEntry("PORT_METRICS_PORT", "31545")
                .containsEntry(ProcessRuntime.POD_ROOT_ENV, root.toString())
                .containsEntry("HOME", root.toString())
                .containsEntry("PATH", System.getenv("PATH"));
        assertThat(env.keySet())
                .containsExactlyInAnyOrder(
                        "GREETING",
                        "EMPTY",
                        "PORT",
                        "PORT_8080",
                        "PORT_HTTP",
                        "PORT_9090",
                        "PORT_METRICS_PORT",
                        ProcessRuntime.POD_ROOT_ENV,
                        "HOME",
                        "PATH");
    }

    @Test
    void podContainersShareTheRootWithVolumesLinkedAtTheirMountPaths() throws Exception {
        ProcessRuntime runtime = newRuntime();
        Path volume = Files.createDirectories(temp.resolve("volumes/config"));
        Files.writeString(volume.resolve("app.conf"), "colour=blue\n");
        List<ContainerConfig.Mount> mounts = List.of(new ContainerConfig.Mount("config", volume, "/etc/config", true));
        ContainerConfig writer = config(
                "web",
                "writer",
                0,
                "sh",
                List.of("sh", "-c", "cat etc/config/app.conf; echo shared > data.txt; pwd"),
                List.of(),
                Map.of(),
                mounts,
                List.of());
        ContainerConfig reader = withWorkingDir(
                config(
                        "web",
                        "reader",
                        0,
                        "sh",
                        List.of(
                                "sh",
                                "-c",
                                "while [ ! -f ../data.txt ]; do sleep 0.02; done; cat ../data.txt ../etc/config/app.conf; pwd"),
                        List.of(),
                        Map.of(),
                        mounts,
                        List.of()),
                "/app");

        String readerId = run(runtime, reader);
        String writerId = run(runtime, writer);

        Path root = podDir("web").resolve("root");
        assertThat(awaitExited(runtime, writerId).exitCode()).isZero();
        assertThat(awaitExited(runtime, readerId).exitCode()).isZero();
        assertThat(logs(runtime, writerId)).isEqualTo("colour=blue\n" + root + "\n");
        assertThat(logs(runtime, readerId)).isEqualTo("shared\ncolour=blue\n" + root.resolve("app") + "\n");
        assertThat(Files.readSymbolicLink(root.resolve("etc/config"))).isEqualTo(volume);
    }

    @Test
    void aMountPathTakenByAnotherVolumeFailsCreate() throws Exception {
        ProcessRuntime runtime = newRuntime();
        Path one = Files.createDirectories(temp.resolve("volumes/one"));
        Path two = Files.createDirectories(temp.resolve("volumes/two"));
        runtime.create(inPod(config(
                "web",
                "a",
                0,
                "true",
                List.of(),
                List.of(),
                Map.of(),
                List.of(new ContainerConfig.Mount("one", one, "/data", false)),
                List.of())));

        assertThatThrownBy(() -> runtime.create(inPod(config(
                        "web",
                        "b",
                        0,
                        "true",
                        List.of(),
                        List.of(),
                        Map.of(),
                        List.of(new ContainerConfig.Mount("two", two, "/data", false)),
                        List.of()))))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("mounts[0].containerPath")
                .hasMessageContaining("/data");
    }

    @Test
    void aMountPathOutsideTheRootFailsCreate() throws Exception {
        ProcessRuntime runtime = newRuntime();
        Path volume = Files.createDirectories(temp.resolve("volumes/one"));

        assertThatThrownBy(() -> runtime.create(inPod(config(
                        "web",
                        "a",
                        0,
                        "true",
                        List.of(),
                        List.of(),
                        Map.of(),
                        List.of(new ContainerConfig.Mount("one", volume, "/../../escape", false)),
                        List.of()))))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("mounts[0].containerPath: /../../escape leaves the pod's root");
    }

    @Test
    void aMissingExecutableFailsCreateWithCreateContainerError() throws Exception {
        ProcessRuntime runtime = newRuntime();

        assertThatThrownBy(() -> runtime.create(inPod(config(
                        "web",
                        "main",
                        0,
                        "no-such-program-xyz",
                        List.of(),
                        List.of(),
                        Map.of(),
                        List.of(),
                        List.of()))))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("CreateContainerError"))
                .hasMessageContaining("image no-such-program-xyz: executable not found on PATH");
        assertThatThrownBy(() -> runtime.create(inPod(config(
                        "web", "main", 0, "sh", List.of("/no/such/bin"), List.of(), Map.of(), List.of(), List.of()))))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("CreateContainerError"))
                .hasMessageContaining("command[0] /no/such/bin: executable not found");
        assertThat(runtime.list()).isEmpty();
    }

    @Test
    void anExecutableGoneBeforeStartFailsStartAndExitsWith128() throws Exception {
        ProcessRuntime runtime = newRuntime();
        Path program = temp.resolve("program.sh");
        Files.writeString(program, "#!/bin/sh\necho hi\n");
        program.toFile().setExecutable(true);
        String id = runtime.create(inPod(
                config("web", "main", 0, "x", List.of(program.toString()), List.of(), Map.of(), List.of(), List.of())));
        Files.delete(program);

        assertThatThrownBy(() -> runtime.start(id))
                .isInstanceOfSatisfying(
                        ContainerException.class, e -> assertThat(e.reason()).isEqualTo("StartError"))
                .hasMessageContaining(program.toString());
        RuntimeContainer failed = runtime.inspect(id);
        assertThat(failed.state()).isEqualTo(State.EXITED);
        assertThat(failed.exitCode()).isEqualTo(128);
        assertThat(failed.reason()).isEqualTo("StartError");
        assertThat(failed.message()).contains(program.toString());
    }

    @Test
    void listsOnlyItsOwnNodesContainers() throws Exception {
        ProcessRuntime one = newRuntime();
        ProcessRuntime two = newRuntime("node-2", fastOptions());
        String mine = one.create(inPod(shell("web", "main", "true")));
        String theirs = two.create(withNode(inPod(shell("api", "main", "true")), "node-2"));

        assertThat(one.list()).extracting(RuntimeContainer::id).containsExactly(mine);
        assertThat(two.list()).extracting(RuntimeContainer::id).containsExactly(theirs);
        assertThatThrownBy(() -> one.inspect(theirs)).isInstanceOf(NoSuchContainerException.class);
        assertThatThrownBy(() -> one.create(withNode(inPod(shell("api", "x", "true")), "node-2")))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("node-2");
    }

    @Test
    void theListenerHearsOfStartExitAndRemoval() throws Exception {
        ProcessRuntime runtime = newRuntime();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        runtime.setListener((ContainerLabels labels, String id) -> events.add(labels.containerName() + ":" + id));
        String id = runtime.create(inPod(shell("web", "main", "while [ ! -f done ]; do sleep 0.02; done")));
        runtime.start(id);
        assertThat(events).containsExactly("main:" + id);

        Files.createFile(podDir("web").resolve("root/done"));
        await().atMost(WAIT).until(() -> events.size() >= 2);
        assertThat(runtime.inspect(id).exited()).isTrue();

        runtime.remove(id);
        assertThat(events).hasSize(3).allMatch(e -> e.equals("main:" + id));
    }

    @Test
    void removeDeletesTheContainersStateAndLogs() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "echo bye"));
        awaitExited(runtime, id);
        Path directory = stateDir().resolve("containers").resolve(id);
        assertThat(directory.resolve("log")).isDirectory();

        runtime.remove(id);

        assertThat(directory).doesNotExist();
        assertThat(runtime.list()).isEmpty();
        assertThatThrownBy(() -> runtime.inspect(id)).isInstanceOf(NoSuchContainerException.class);
        assertThatThrownBy(() -> logs(runtime, id)).isInstanceOf(NoSuchContainerException.class);
        assertThat(podDir("web").resolve("root")).isDirectory(); // the pod's, not the container's
        runtime.remove(id); // unknown: ignored
    }

    @Test
    void removingARunningContainerKillsIt() throws Exception {
        ProcessRuntime runtime = newRuntime();
        String id = run(runtime, shell("web", "main", "sleep 300"));
        long pid = pid(id);

        runtime.remove(id);

        assertThat(ProcStat.isAlive(pid, 0)).isFalse();
        assertThat(runtime.list()).isEmpty();
        assertThat(new ProcessGroups(Path.of("/bin/sh")).isEmpty(pid)).isTrue();
    }
}
