package io.capstan.kubelet.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLoaderTest {
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant STARTED = Instant.parse("2026-01-02T03:04:06Z");

    @TempDir
    Path containers;

    private final ContainerLoader loader = new ContainerLoader("node-a", 1024, 2, Clock.fixed(CREATED, ZoneOffset.UTC));

    @Test
    void aContainerWithoutPidsIsCreated() throws IOException {
        Path directory = writeSpec("c1", "node-a");

        ProcessContainer container = Objects.requireNonNull(loader.load(directory));

        assertThat(container.id()).isEqualTo("c1");
        assertThat(container.status()).isEqualTo(ProcessContainer.Status.created());
    }

    @Test
    void aContainerWithPidsIsRunningWithTheRecordedStartTimes() throws IOException {
        Path directory = writeSpec("c1", "node-a");
        Files.writeString(directory.resolve(ProcessLauncher.PIDS_FILE), "4000001 4000002\n");
        Properties status = new Properties();
        status.setProperty("startedAt", STARTED.toString());
        status.setProperty("wrapperStartTicks", "11");
        status.setProperty("pidStartTicks", "12");
        StateFiles.writeProperties(directory.resolve(ProcessLauncher.STATUS_FILE), status);

        ProcessContainer container = Objects.requireNonNull(loader.load(directory));

        assertThat(container.status())
                .isEqualTo(ProcessContainer.Status.running(
                        STARTED, new ProcessContainer.Launch(4000001, 11, 4000002, 12)));
    }

    @Test
    void aFailedStartIsExitedWith128AndStartError() throws IOException {
        Path directory = writeSpec("c1", "node-a");
        Properties status = new Properties();
        status.setProperty("startedAt", STARTED.toString());
        status.setProperty("finishedAt", STARTED.toString());
        status.setProperty("startError", "no longer an executable file");
        StateFiles.writeProperties(directory.resolve(ProcessLauncher.STATUS_FILE), status);

        ProcessContainer container = Objects.requireNonNull(loader.load(directory));

        assertThat(container.status())
                .isEqualTo(new ProcessContainer.Status(
                        State.EXITED, 128, "StartError", "no longer an executable file", STARTED, STARTED, null));
    }

    @Test
    void loadsOnlyThisNodesReadableContainers() throws IOException {
        writeSpec("mine", "node-a");
        writeSpec("theirs", "node-b");
        Files.writeString(Files.createDirectories(containers.resolve("broken")).resolve(ContainerSpec.FILE), "id=x\n");
        Files.createDirectories(containers.resolve("no-spec"));

        List<ProcessContainer> loaded = loader.loadAll(containers);

        assertThat(loaded).extracting(ProcessContainer::id).containsExactly("mine");
    }

    private Path writeSpec(String id, String node) throws IOException {
        Path directory = Files.createDirectories(containers.resolve(id));
        Path root = containers.resolve("pod").resolve(PodRoot.DIRECTORY);
        new ContainerSpec(
                        id,
                        new ContainerLabels(node, "uid-1", "default", "pod", "app", 0),
                        "busybox",
                        Path.of("/bin/true"),
                        List.of(),
                        Map.of("PATH", "/bin"),
                        root,
                        root,
                        CREATED)
                .write(directory.resolve(ContainerSpec.FILE));
        return directory;
    }
}
