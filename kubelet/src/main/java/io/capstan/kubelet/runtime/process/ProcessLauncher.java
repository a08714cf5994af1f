package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.ContainerException;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a container's process so that it survives the kubelet. The process is started as {@code
 * setsid sh -c <wrapper>}: the wrapper, in a session of its own, starts the process (through
 * {@code setsid} again, so it leads its own session and group, pgid == pid) with stdout and stderr
 * appended to files, writes {@code "<wrapper pid> <pid>"} to {@code pids}, waits, kills what is
 * left of the process group, and writes the exit code ({@code $?}, 128+n for signal n) to {@code
 * exit}. Nothing of the container reads from or writes to this JVM. The wrapper traps HUP, INT and
 * TERM (handlers, not ignores, so the process still gets default dispositions) and sits outside
 * the container's group, so stop's signals do not reach it.
 *
 * <p>A start is recorded in {@code status.properties} (start time, pids and their start times from
 * /proc) for {@link ContainerLoader}; a failed start too, as an exit with 128 and reason
 * StartError. Called with the container's monitor held.
 */
final class ProcessLauncher {
    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);

    static final String STATUS_FILE = "status.properties";
    static final String PIDS_FILE = "pids";
    private static final String WRAPPER_LOG = "wrapper.log";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Waits for the process, records its exit code. $1 container directory, $2 1 when the config
     * sets PWD (sh would otherwise put its own in the environment), $3 that value, $4 setsid, then
     * the program and its arguments. Only builtins besides setsid: the container's PATH may lack
     * everything.
     */
    private static final String WRAPPER = String.join(
            "\n",
            "dir=$1; has_pwd=$2; pwd_value=$3; setsid=$4; shift 4",
            "if [ \"$has_pwd\" = 1 ]; then export PWD=\"$pwd_value\"; else unset PWD; fi",
            "trap : HUP INT TERM",
            "\"$setsid\" \"$@\" </dev/null >>\"$dir/stdout.raw\" 2>>\"$dir/stderr.raw\" &",
            "child=$!",
            "echo \"$$ $child\" >\"$dir/pids\"",
            "while :; do",
            "  wait \"$child\"; code=$?",
            // a trapped signal ends wait early; only a reaped child is really gone
            "  kill -0 \"$child\" 2>/dev/null || break",
            "done",
            "kill -s KILL -- \"-$child\" 2>/dev/null",
            "echo \"$code\" >\"$dir/exit\"",
            "");

    private final Path shell;
    private final Path setsid;
    private final Clock clock;
    /** Called, on a JDK thread, when a wrapper this launcher started ends. */
    private final Consumer<ProcessContainer> wrapperExited;

    ProcessLauncher(Path shell, Path setsid, Clock clock, Consumer<ProcessContainer> wrapperExited) {
        this.shell = shell;
        this.setsid = setsid;
        this.clock = clock;
        this.wrapperExited = wrapperExited;
    }

    /** Starts the wrapper and waits until the process leads its own group. Holds the container's monitor. */
    void launch(ProcessContainer container) throws ContainerException {
        ContainerSpec spec = container.spec();
        Path directory = container.directory();
        if (!Executables.isExecutableFile(spec.executable())) {
            throw new ContainerException("StartError", spec.executable() + ": no longer an executable file");
        }
        if (!Files.isDirectory(spec.workingDirectory())) {
            throw new ContainerException(
                    "StartError",
                    "working directory " + spec.workingDirectory() + " is gone (the pod directory was removed?)");
        }
        String pwd = spec.env().get("PWD");
        List<String> argv = new ArrayList<>(List.of(
                setsid.toString(),
                shell.toString(),
                "-c",
                WRAPPER,
                "capstan-wrapper",
                directory.toString(),
                pwd == null ? "0" : "1",
                pwd == null ? "" : pwd,
                setsid.toString()));
        argv.addAll(spec.argv());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(spec.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve(WRAPPER_LOG).toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        Instant startedAt = clock.instant();
        Process wrapper;
        try {
            wrapper = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new ContainerException("StartError", "cannot run " + setsid + " " + shell + ": " + e.getMessage(), e);
        }
        long[] pids = awaitPids(container, wrapper);
        long pid = pids[1];
        awaitOwnGroup(pid);
        ProcessContainer.Launch launch =
                new ProcessContainer.Launch(pids[0], ProcStat.startTicksOf(pids[0]), pid, ProcStat.startTicksOf(pid));
        Properties status = new Properties();
        status.setProperty("startedAt", startedAt.toString());
        status.setProperty("wrapperPid", Long.toString(launch.wrapperPid()));
        status.setProperty("wrapperStartTicks", Long.toString(launch.wrapperStartTicks()));
        status.setProperty("pid", Long.toString(launch.pid()));
        status.setProperty("pidStartTicks", Long.toString(launch.pidStartTicks()));
        try {
            StateFiles.writeProperties(directory.resolve(STATUS_FILE), status);
        } catch (IOException e) {
            // the wrapper's pids file suffices to take the process back, with weaker pid checks
            log.warn("Cannot record the start of container {}", spec.id(), e);
        }
        container.status(ProcessContainer.Status.running(startedAt, launch));
        log.debug("Started container {} pid {} (wrapper {})", spec.id(), pid, pids[0]);
        var unused = wrapper.onExit().thenRun(() -> wrapperExited.accept(container));
    }

    /** The wrapper's {@code pids}: its own pid and the process's. */
    private long[] awaitPids(ProcessContainer container, Process wrapper) throws ContainerException {
        Path file = container.directory().resolve(PIDS_FILE);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long pauseMillis = 1;
        try {
            while (true) {
                Optional<long[]> pids = readPids(file);
                if (pids.isPresent()) {
                    if (pids.get()[0] != wrapper.pid()) {
                        log.warn(
                                "Wrapper of container {} reports pid {}, started as {}",
                                container.id(),
                                pids.get()[0],
                                wrapper.pid());
                    }
                    return pids.get();
                }
                if (!wrapper.isAlive() && readPids(file).isEmpty()) {
                    throw new ContainerException(
                            "StartError",
                            "the wrapper exited with " + wrapper.exitValue() + " before starting the process: "
                                    + tail(container.directory().resolve(WRAPPER_LOG)));
                }
                if (System.nanoTime() > deadline) {
                    wrapper.destroyForcibly();
                    throw new ContainerException("StartError", "the process did not start within " + START_TIMEOUT);
                }
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, 20);
            }
        } catch (IOException e) {
            wrapper.destroyForcibly();
            throw new ContainerException("StartError", "cannot read " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wrapper.destroyForcibly();
            throw new ContainerException("StartError", "interrupted while starting", e);
        }
    }

    /**
     * The wrapper's {@code pids} file: {@code [wrapper pid, pid]}, or empty while it is missing,
     * still being written or not two numbers.
     */
    static Optional<long[]> readPids(Path file) throws IOException {
        Optional<String> text = StateFiles.readIfPresent(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = text.get().split("\\s+", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits until setsid has made {@code pid} the leader of its group, so a stop right after start
     * reaches it, or until it is gone.
     */
    private static void awaitOwnGroup(long pid) throws ContainerException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (true) {
                Optional<ProcStat> stat = ProcStat.read(pid);
                if (stat.isEmpty() || stat.get().isDead() || stat.get().pgrp() == pid) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new ContainerException("StartError", "process " + pid + " did not get its own process group");
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("StartError", "interrupted while starting", e);
        }
    }

    /** Records a failed start: exited with 128 and reason StartError, as the kubelet reports it. */
    void failStart(ProcessContainer container, @Nullable String message) {
        Instant now = clock.instant();
        String text = message == null ? "" : message;
        Properties status = new Properties();
        status.setProperty("startedAt", now.toString());
        status.setProperty("finishedAt", now.toString());
        status.setProperty("startError", text);
        try {
            StateFiles.writeProperties(container.directory().resolve(STATUS_FILE), status);
        } catch (IOException e) {
            log.warn("Cannot record the failed start of container {}", container.id(), e);
        }
        container.status(new ProcessContainer.Status(State.EXITED, 128, "StartError", text, now, now, null));
        log.debug("Container {} failed to start: {}", container.id(), text);
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.length() > 500 ? text.substring(text.length() - 500) : text;
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
