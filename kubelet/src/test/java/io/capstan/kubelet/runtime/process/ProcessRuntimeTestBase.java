package io.capstan.kubelet.runtime.process;

import static org.awaitility.Awaitility.await;

import io.capstan.kubelet.runtime.ContainerConfig;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.kubelet.runtime.RuntimeContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared fixture of the process runtime's tests: a state directory, pod directories, runtimes
 * that are closed afterwards, and a sweep that kills every process a test left running.
 */
abstract class ProcessRuntimeTestBase {
    static final String NODE = "node-1";
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private final List<ProcessRuntime> runtimes = new ArrayList<>();

    Path stateDir() {
        return temp.resolve("state");
    }

    Path podDir(String pod) {
        return temp.resolve("pods").resolve(pod);
    }

    ProcessRuntime newRuntime() throws IOException {
        return newRuntime(NODE, fastOptions());
    }

    ProcessRuntime newRuntime(String node, ProcessRuntime.Options options) throws IOException {
        ProcessRuntime runtime = new ProcessRuntime(node, stateDir(), Clock.systemUTC(), options);
        runtimes.add(runtime);
        return runtime;
    }

    static ProcessRuntime.Options fastOptions() {
        return ProcessRuntime.Options.defaults().withPollInterval(Duration.ofMillis(50));
    }

    static ContainerConfig shell(String pod, String container, String script) {
        return config(pod, container, 0, "sh", List.of("sh", "-c", script), List.of(), Map.of(), List.of(), List.of());
    }

    static ContainerConfig config(
            String pod,
            String container,
            int attempt,
            String image,
            List<String> command,
            List<String> args,
            Map<String, String> env,
            List<ContainerConfig.Mount> mounts,
            List<ContainerConfig.PortMapping> ports) {
        return new ContainerConfig(
                new ContainerLabels(NODE, "uid-" + pod, "default", pod, container, attempt),
                image,
                command,
                args,
                "",
                env,
                mounts,
                ports,
                0,
                0,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@code config} with its pod directory under this test's temp directory. */
    ContainerConfig inPod(ContainerConfig config) {
        return withPodDir(config, podDir(config.labels().podName()));
    }

    static ContainerConfig withPodDir(ContainerConfig c, Path podDir) {
        return new ContainerConfig(
                c.labels(),
                c.image(),
                c.command(),
                c.args(),
                c.workingDir(),
                c.env(),
                c.mounts(),
                c.ports(),
                c.cpuMillis(),
                c.memoryBytes(),
                podDir);
    }

    static ContainerConfig withWorkingDir(ContainerConfig c, String workingDir) {
        return new ContainerConfig(
                c.labels(),
                c.image(),
                c.command(),
                c.args(),
                workingDir,
                c.env(),
                c.mounts(),
                c.ports(),
                c.cpuMillis(),
                c.memoryBytes(),
                c.podDirectory());
    }

    static ContainerConfig withNode(ContainerConfig c, String node) {
        ContainerLabels l = c.labels();
        return new ContainerConfig(
                new ContainerLabels(node, l.podUid(), l.podNamespace(), l.podName(), l.containerName(), l.attempt()),
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

    /** Creates and starts {@code config} in its pod under the temp directory. */
    String run(ProcessRuntime runtime, ContainerConfig config) throws Exception {
        String id = runtime.create(inPod(config));
        runtime.start(id);
        return id;
    }

    static RuntimeContainer awaitExited(ProcessRuntime runtime, String id) {
        await().atMost(WAIT).until(() -> runtime.inspect(id).exited());
        try {
            return runtime.inspect(id);
        } catch (NoSuchContainerException e) {
            throw new AssertionError(e);
        }
    }

    static String logs(ProcessRuntime runtime, String id) throws NoSuchContainerException {
        RecordingSink sink = new RecordingSink();
        runtime.logs(id, LogOptions.all(), sink);
        return sink.all();
    }

    static void awaitLog(ProcessRuntime runtime, String id, String text) {
        await().atMost(WAIT).until(() -> logs(runtime, id).contains(text));
    }

    /** The container's process (its group's leader), from the wrapper's record. */
    long pid(String id) throws IOException {
        return pids(stateDir().resolve("containers").resolve(id).resolve("pids"))[1];
    }

    long wrapperPid(String id) throws IOException {
        return pids(stateDir().resolve("containers").resolve(id).resolve("pids"))[0];
    }

    /** The wrapper's "wrapper-pid pid" record. */
    private static long[] pids(Path file) throws IOException {
        String[] parts = Files.readString(file).trim().split(" ", -1);
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    @AfterEach
    void closeRuntimesAndKillLeftovers() throws IOException {
        for (ProcessRuntime runtime : runtimes) {
            runtime.close();
        }
        Path containers = stateDir().resolve("containers");
        if (!Files.isDirectory(containers)) {
            return;
        }
        ProcessGroups groups = new ProcessGroups(Path.of("/bin/sh"));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(containers)) {
            for (Path dir : entries) {
                Path pids = dir.resolve("pids");
                // an exit recorded means the group is gone and its number may belong to a stranger
                if (!Files.exists(pids) || Files.exists(dir.resolve("exit"))) {
                    continue;
                }
                long[] wrapperAndPid = pids(pids);
                if (!groups.isEmpty(wrapperAndPid[1])) {
                    groups.signal(wrapperAndPid[1], "KILL");
                }
                // the wrapper writes the exit code next; let it finish before @TempDir is deleted
                await().atMost(WAIT).until(() -> !ProcStat.isAlive(wrapperAndPid[0], 0));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
