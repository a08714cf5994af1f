package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import io.capstan.kubelet.runtime.ExecSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code docker exec} in progress. Its output stream ends when the command closes stdout and
 * stderr; the exit code is read from the engine afterwards ({@code inspectExecCmd}), which may show
 * the command running for a few milliseconds more.
 *
 * <p>The engine has no call to end an exec'd command. {@link #close} kills it through its host pid
 * (SIGKILL), and only when that pid's cgroup names this container, so a kubelet in another pid
 * namespace, or a remote engine, never hits an unrelated process; otherwise it only detaches, and
 * says so at DEBUG.
 */
final class DockerExecSession implements ExecSession {
    private static final Logger log = LoggerFactory.getLogger(DockerExecSession.class);
    private static final long POLL_MILLIS = 20;

    private final DockerClient client;
    private final String containerId;
    private final String execId;
    private final DockerStream<Frame> output;
    private final boolean localEngine;

    DockerExecSession(
            DockerClient client, String containerId, String execId, DockerStream<Frame> output, boolean localEngine) {
        this.client = client;
        this.containerId = containerId;
        this.execId = execId;
        this.output = output;
        this.localEngine = localEngine;
    }

    @Override
    public OptionalInt await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!output.await(timeout)) {
            return OptionalInt.empty();
        }
        while (true) {
            InspectExecResponse exec = inspect();
            if (exec == null) {
                return OptionalInt.empty();
            }
            if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) {
                return OptionalInt.of(exec.getExitCodeLong().intValue());
            }
            if (System.nanoTime() - deadline >= 0) {
                return OptionalInt.empty();
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    @Override
    public void close() {
        output.close();
        InspectExecResponse exec = inspect();
        if (exec == null || !Boolean.TRUE.equals(exec.isRunning())) {
            return;
        }
        Long pid = exec.getPidLong();
        if (pid == null || pid <= 0 || !localEngine || !inContainer(pid)) {
            log.debug(
                    "Exec {} in container {} keeps running: its process is not reachable from here",
                    execId,
                    containerId);
            return;
        }
        ProcessHandle.of(pid).ifPresent(process -> {
            boolean signalled = process.destroyForcibly();
            log.debug("Killed exec {} in container {} (pid {}): {}", execId, containerId, pid, signalled);
        });
    }

    private boolean inContainer(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"))
                    .contains(containerId);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private @Nullable InspectExecResponse inspect() {
        try {
            return client.inspectExecCmd(execId).exec();
        } catch (RuntimeException e) {
            log.debug("Inspecting exec {} of container {} failed: {}", execId, containerId, e.toString());
            return null;
        }
    }
}
