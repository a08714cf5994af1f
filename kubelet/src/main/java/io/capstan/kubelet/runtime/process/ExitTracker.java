package io.capstan.kubelet.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that a running container has exited and records it in its status. The exit code is the
 * one the wrapper wrote to the container's {@code exit} file (see {@link ProcessLauncher}); the
 * finish time is that file's modification time, which stays right across restarts. While the
 * runtime that started a wrapper runs, {@link Process#onExit} reports the exit at once; for
 * taken-back containers the runtime's poller looks every poll interval. A wrapper killed by
 * someone else leaves no code: once the process is gone too the container is reported exited with
 * 137 and reason ContainerStatusUnknown, as the kubelet does for a container it lost, and that is
 * written to {@code exit} so a later runtime reads the same.
 *
 * <p>Thread-safe: the change of state happens under the container's monitor.
 */
final class ExitTracker {
    private static final Logger log = LoggerFactory.getLogger(ExitTracker.class);

    static final String EXIT_FILE = "exit";
    private static final Duration EXIT_RECORD_TIMEOUT = Duration.ofSeconds(10);

    private final ProcessGroups groups;
    /** Told of each recorded exit, after the container's monitor is released. */
    private final Consumer<ProcessContainer> exited;

    ExitTracker(ProcessGroups groups, Consumer<ProcessContainer> exited) {
        this.groups = groups;
        this.exited = exited;
    }

    /** How a container's process ended. */
    record Exit(int code, String reason, String message, Instant finishedAt) {}

    /**
     * Looks whether a running container has exited and records it. Idempotent; called on the
     * wrapper's exit, by the poller, and by stop.
     */
    void check(ProcessContainer container) {
        ProcessContainer.Launch launch = container.status().launch();
        if (!container.isRunning() || launch == null) {
            return;
        }
        try {
            Optional<Exit> exit = read(container.directory());
            if (exit.isEmpty()) {
                if (ProcStat.isAlive(launch.wrapperPid(), launch.wrapperStartTicks())) {
                    return;
                }
                exit = read(container.directory()); // the wrapper writes it just before it ends
            }
            if (exit.isEmpty()) {
                if (ProcStat.isAlive(launch.pid(), launch.pidStartTicks())) {
                    return; // the wrapper was killed, the process still runs: watch it ourselves
                }
                if (!groups.isEmpty(launch.pid())) {
                    groups.signal(launch.pid(), "KILL");
                }
                exit = Optional.of(lost(container));
            }
            finish(container, exit.get());
        } catch (IOException e) {
            log.warn("Cannot read the exit of container {}, will look again", container.id(), e);
        }
    }

    /** Waits until the wrapper has recorded the exit of a container whose group is gone. */
    void awaitRecorded(ProcessContainer container) throws InterruptedException {
        long deadline = System.nanoTime() + EXIT_RECORD_TIMEOUT.toNanos();
        long pauseMillis = 1;
        while (true) {
            check(container);
            if (!container.isRunning()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn(
                        "Container {} is stopped but its exit was not recorded within {}",
                        container.id(),
                        EXIT_RECORD_TIMEOUT);
                return;
            }
            Thread.sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    /** Signals the group only while the container still counts as running, never a stranger reusing its pgid. */
    void signalIfOurs(ProcessContainer container, long pgid, String signal) {
        try {
            if (container.isRunning() && read(container.directory()).isEmpty()) {
                groups.signal(pgid, signal);
            }
        } catch (IOException e) {
            groups.signal(pgid, signal);
        }
    }

    /** The {@code exit} file in {@code directory}: "code" from the wrapper or, when written by us, "code reason". */
    static Optional<Exit> read(Path directory) throws IOException {
        Path file = directory.resolve(EXIT_FILE);
        Optional<String> text = StateFiles.readIfPresent(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = text.get().split(" ", 2);
        int code;
        try {
            code = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String reason = parts.length > 1 ? parts[1] : "";
        String message = reason.equals("ContainerStatusUnknown") ? lostMessage() : "";
        return Optional.of(
                new Exit(code, reason, message, Files.getLastModifiedTime(file).toInstant()));
    }

    private static Exit lost(ProcessContainer container) throws IOException {
        Path file = container.directory().resolve(EXIT_FILE);
        Files.writeString(file, "137 ContainerStatusUnknown\n");
        log.warn("Container {} ended without its exit code being recorded (its wrapper was killed)", container.id());
        return new Exit(
                137,
                "ContainerStatusUnknown",
                lostMessage(),
                Files.getLastModifiedTime(file).toInstant());
    }

    private static String lostMessage() {
        return "the process ended without its exit code being recorded (its wrapper was killed)";
    }

    private void finish(ProcessContainer container, Exit exit) {
        synchronized (container) {
            if (!container.isRunning()) {
                return;
            }
            try {
                container.log().collect(true);
            } catch (IOException e) {
                log.warn("Cannot collect the last output of container {}", container.id(), e);
                container.log().finish();
            }
            container.status(container.status().exited(exit.code(), exit.reason(), exit.message(), exit.finishedAt()));
        }
        log.debug("Container {} exited with {}", container.id(), exit.code());
        container.closeExecs();
        exited.accept(container);
    }
}
