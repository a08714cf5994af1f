package io.capstan.kubelet.runtime.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals whole process groups and waits for them to empty. Signals go through the shell's {@code
 * kill} builtin (the JDK can signal single pids only), which makes each one a short-lived {@code
 * sh}: a few milliseconds, paid only on stop and exec cancel.
 */
final class ProcessGroups {
    private static final Logger log = LoggerFactory.getLogger(ProcessGroups.class);

    private final Path shell;

    ProcessGroups(Path shell) {
        this.shell = shell;
    }

    /**
     * Sends {@code signal} ("TERM", "KILL") to every process of group {@code pgid}. A group that no
     * longer exists is no error.
     */
    void signal(long pgid, String signal) {
        // kill -- -1 would signal every process we may signal, and -0 our own group
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        ProcessBuilder builder = new ProcessBuilder(
                        shell.toString(),
                        "-c",
                        "kill -s \"$1\" -- \"-$2\" 2>/dev/null",
                        "kill",
                        signal,
                        Long.toString(pgid))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        try {
            Process kill = builder.start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                log.warn("kill -s {} -- -{} did not finish within 10s", signal, pgid);
            }
        } catch (IOException e) {
            log.warn("Cannot run {} to send SIG{} to process group {}", shell, signal, pgid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether no live process is left in group {@code pgid}. */
    boolean isEmpty(long pgid) {
        return ProcStat.groupMembers(pgid).isEmpty();
    }

    /**
     * Waits until group {@code pgid} is empty or {@code timeout} has passed, polling /proc.
     *
     * @return whether it is empty
     */
    boolean awaitEmpty(long pgid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 2;
        while (!isEmpty(pgid)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(pauseMillis, TimeUnit.NANOSECONDS.toMillis(left))));
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
        return true;
    }
}
