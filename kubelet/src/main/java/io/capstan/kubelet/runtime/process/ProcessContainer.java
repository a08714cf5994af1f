package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One container of the process runtime: its spec, its directory, its log and its current status.
 * State changes happen under this object's monitor; {@link #status} may be read without it.
 */
final class ProcessContainer {
    private final ContainerSpec spec;
    private final Path directory;
    private final ContainerLog log;
    private final Set<ProcessExec> execs = ConcurrentHashMap.newKeySet();
    private volatile Status status;

    ProcessContainer(ContainerSpec spec, Path directory, ContainerLog log, Status status) {
        this.spec = spec;
        this.directory = directory;
        this.log = log;
        this.status = status;
    }

    /**
     * The processes of a started container.
     *
     * @param wrapperPid the {@code sh} that waits for the process and records its exit code
     * @param pid the container's process, leader of its own process group (pgid == pid)
     * @param wrapperStartTicks, pidStartTicks their start times from /proc (0 when unknown), so
     *     that a later process reusing a pid is not taken for ours
     */
    record Launch(long wrapperPid, long wrapperStartTicks, long pid, long pidStartTicks) {}

    /** Where a container is in its life; {@code launch} is set from RUNNING on, unless the start failed. */
    record Status(
            State state,
            int exitCode,
            String reason,
            String message,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt,
            @Nullable Launch launch) {

        static Status created() {
            return new Status(State.CREATED, 0, "", "", null, null, null);
        }

        static Status running(Instant startedAt, Launch launch) {
            return new Status(State.RUNNING, 0, "", "", startedAt, null, launch);
        }

        Status exited(int code, String exitReason, String exitMessage, Instant finishedAt) {
            return new Status(State.EXITED, code, exitReason, exitMessage, startedAt, finishedAt, launch);
        }
    }

    ContainerSpec spec() {
        return spec;
    }

    String id() {
        return spec.id();
    }

    Path directory() {
        return directory;
    }

    ContainerLog log() {
        return log;
    }

    Status status() {
        return status;
    }

    /** Call with this object's monitor held. */
    void status(Status next) {
        status = next;
    }

    boolean isRunning() {
        return status.state() == State.RUNNING;
    }

    Set<ProcessExec> execs() {
        return execs;
    }

    /** Ends every exec session in the container. */
    void closeExecs() {
        for (ProcessExec exec : List.copyOf(execs)) {
            exec.close();
        }
    }

    RuntimeContainer view() {
        Status s = status;
        return new RuntimeContainer(
                spec.id(),
                spec.labels(),
                s.state(),
                s.exitCode(),
                s.reason(),
                s.message(),
                spec.createdAt(),
                s.startedAt(),
                s.finishedAt(),
                spec.image());
    }
}
