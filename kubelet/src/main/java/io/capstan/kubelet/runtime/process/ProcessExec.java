package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.OutputSink;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command run in a container's environment and working directory, in a process group of its
 * own (through {@code setsid}), with stdout and stderr pumped to the sink by two threads. Unlike
 * the container, it lives and dies with the runtime: its output comes through pipes to this JVM.
 */
final class ProcessExec implements ExecSession {
    private static final Logger log = LoggerFactory.getLogger(ProcessExec.class);

    private final @Nullable Process process;
    private final OutputSink sink;
    private final ProcessGroups groups;
    /** The open sessions of the container, which this one leaves when it ends. */
    private final Set<ProcessExec> sessions;

    private final AtomicInteger openStreams = new AtomicInteger(2);
    private final CountDownLatch outputDone = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int failedCode;

    private ProcessExec(
            @Nullable Process process,
            OutputSink sink,
            ProcessGroups groups,
            Set<ProcessExec> sessions,
            int failedCode) {
        this.process = process;
        this.sink = sink;
        this.groups = groups;
        this.sessions = sessions;
        this.failedCode = failedCode;
    }

    /**
     * Starts {@code command} through {@code setsid}, which looks it up on the container's PATH. A
     * command that cannot be run at all ends at once with code 126 and the reason on stderr, as
     * {@code docker exec} reports it; one setsid cannot find exits 127 with setsid's message.
     */
    static ProcessExec start(
            ContainerSpec spec,
            Path setsid,
            List<String> command,
            OutputSink sink,
            ProcessGroups groups,
            Executor pumps,
            Set<ProcessExec> sessions) {
        List<String> argv = new ArrayList<>();
        argv.add(setsid.toString());
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(spec.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(spec.env());
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            sink.write(
                    OutputSink.Stream.STDERR,
                    ("exec " + command + ": " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            sink.close(null);
            ProcessExec failed = new ProcessExec(null, sink, groups, sessions, 126);
            failed.outputDone.countDown();
            return failed;
        }
        ProcessExec exec = new ProcessExec(process, sink, groups, sessions, 0);
        sessions.add(exec);
        pumps.execute(() -> exec.pump(process.getInputStream(), OutputSink.Stream.STDOUT));
        pumps.execute(() -> exec.pump(process.getErrorStream(), OutputSink.Stream.STDERR));
        var unused = process.onExit().thenRun(() -> sessions.remove(exec));
        return exec;
    }

    @Override
    public OptionalInt await(Duration timeout) throws InterruptedException {
        Process p = process;
        if (p == null) {
            return OptionalInt.of(failedCode);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return OptionalInt.empty();
        }
        // the last output may still be on its way to the sink; a child that keeps the pipes open
        // must not hold the exit code back beyond the caller's deadline
        outputDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return OptionalInt.of(p.exitValue());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Process p = process;
        if (p != null && p.isAlive()) {
            groups.signal(p.pid(), "KILL");
            p.destroyForcibly();
        }
        sessions.remove(this);
    }

    private void pump(InputStream in, OutputSink.Stream stream) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                byte[] chunk = Arrays.copyOf(buffer, n);
                synchronized (sink) {
                    sink.write(stream, chunk);
                }
            }
        } catch (IOException e) {
            log.debug("Exec output {} ended: {}", stream, e.toString());
        } catch (RuntimeException e) {
            log.debug("Exec sink failed, ending the command", e);
            close();
        } finally {
            if (openStreams.decrementAndGet() == 0) {
                synchronized (sink) {
                    sink.close(null);
                }
                outputDone.countDown();
            }
        }
    }
}
