package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back the containers a previous runtime left in the state directory, so that the kubelet
 * may die and come back without restarting or losing them. Only containers labelled with this
 * runtime's node are loaded. A container is running again when its {@code pids} were written and
 * its start did not fail; its pids are checked against the start times recorded from
 * /proc/&lt;pid&gt;/stat (or read now, for a start that was never recorded), so that a reused pid
 * is not taken for ours. Whether a running one has exited meanwhile is for {@link ExitTracker} to
 * tell.
 */
final class ContainerLoader {
    private static final Logger log = LoggerFactory.getLogger(ContainerLoader.class);

    private final String node;
    private final long logMaxBytes;
    private final int logMaxFiles;
    private final Clock clock;

    ContainerLoader(String node, long logMaxBytes, int logMaxFiles, Clock clock) {
        this.node = node;
        this.logMaxBytes = logMaxBytes;
        this.logMaxFiles = logMaxFiles;
        this.clock = clock;
    }

    /**
     * The containers of this node in {@code containersDirectory}, one per directory holding a spec;
     * a directory that cannot be read is skipped with a warning.
     *
     * @throws IOException when {@code containersDirectory} cannot be listed
     */
    List<ProcessContainer> loadAll(Path containersDirectory) throws IOException {
        List<ProcessContainer> loaded = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(containersDirectory)) {
            for (Path directory : entries) {
                if (!Files.isRegularFile(directory.resolve(ContainerSpec.FILE))) {
                    continue;
                }
                try {
                    ProcessContainer container = load(directory);
                    if (container != null) {
                        loaded.add(container);
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("Skipping container state {} that cannot be read", directory, e);
                }
            }
        }
        return loaded;
    }

    /** The container in {@code directory}, or null when it belongs to another node. */
    @Nullable
    ProcessContainer load(Path directory) throws IOException {
        ContainerSpec spec = ContainerSpec.read(directory.resolve(ContainerSpec.FILE));
        if (!spec.labels().node().equals(node)) {
            return null;
        }
        ContainerLog containerLog = new ContainerLog(directory, logMaxBytes, logMaxFiles, clock);
        Path statusFile = directory.resolve(ProcessLauncher.STATUS_FILE);
        Properties status = Files.exists(statusFile) ? StateFiles.readProperties(statusFile) : new Properties();
        ProcessContainer.Status current;
        String startError = status.getProperty("startError");
        Optional<long[]> pids = ProcessLauncher.readPids(directory.resolve(ProcessLauncher.PIDS_FILE));
        if (startError != null) {
            Instant at = Instant.parse(
                    status.getProperty("finishedAt", spec.createdAt().toString()));
            current = new ProcessContainer.Status(State.EXITED, 128, "StartError", startError, at, at, null);
        } else if (pids.isPresent()) {
            long wrapperPid = pids.get()[0];
            long pid = pids.get()[1];
            ProcessContainer.Launch launch = new ProcessContainer.Launch(
                    wrapperPid,
                    ticks(status, "wrapperStartTicks", wrapperPid),
                    pid,
                    ticks(status, "pidStartTicks", pid));
            String startedAt = status.getProperty("startedAt");
            Instant started = startedAt != null
                    ? Instant.parse(startedAt)
                    : Files.getLastModifiedTime(directory.resolve(ProcessLauncher.PIDS_FILE))
                            .toInstant();
            current = ProcessContainer.Status.running(started, launch);
        } else {
            current = ProcessContainer.Status.created();
        }
        ProcessContainer container = new ProcessContainer(spec, directory, containerLog, current);
        if (current.state() == State.EXITED) {
            containerLog.collect(true);
        }
        return container;
    }

    /** A start time recorded at start, else read now (a process we never saw start). */
    private static long ticks(Properties status, String key, long pid) {
        String recorded = status.getProperty(key);
        if (recorded != null) {
            return Long.parseLong(recorded);
        }
        return ProcStat.startTicksOf(pid);
    }
}
