package io.capstan.kubelet.probe;

import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.ExecSession;
import io.capstan.kubelet.runtime.NoSuchContainerException;
import io.capstan.proto.api.v1.ExecAction;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/** An exec probe: the command run in the container through the runtime; exit status 0 passes. */
final class ExecProbe {
    /** Kubernetes keeps the first 10 KiB of a probe command's output. */
    static final int MAX_OUTPUT_BYTES = 10 * 1024;

    /** How long to wait, after the command exits, for the last of its output. */
    private static final Duration OUTPUT_GRACE = Duration.ofMillis(200);

    private final ContainerRuntime runtime;

    ExecProbe(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    ProbeResult probe(ExecAction action, ProbeTarget target, Duration timeout) {
        List<String> command = action.getCommandList();
        if (command.isEmpty()) {
            return ProbeResult.unknown("exec probe has no command");
        }
        String quoted = "\"" + String.join(" ", command) + "\"";
        long deadline = System.nanoTime() + timeout.toNanos();
        BoundedOutput output = new BoundedOutput(MAX_OUTPUT_BYTES);
        try (ExecSession session = runtime.exec(target.containerId(), command, output)) {
            OptionalInt exitCode = session.await(remaining(deadline));
            if (exitCode.isEmpty()) {
                // Kubernetes' message for an exec probe that outlives its timeout; closing the
                // session ends the command.
                return ProbeResult.failure("command " + quoted + " timed out");
            }
            Duration left = remaining(deadline);
            output.awaitClosed(left.compareTo(OUTPUT_GRACE) < 0 ? left : OUTPUT_GRACE);
            String text = output.text();
            if (exitCode.getAsInt() == 0) {
                return ProbeResult.success(text);
            }
            String failure = "command " + quoted + " exited with " + exitCode.getAsInt();
            String trimmed = text.strip();
            return ProbeResult.failure(trimmed.isEmpty() ? failure : failure + ": " + trimmed);
        } catch (NoSuchContainerException e) {
            return ProbeResult.unknown(String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.unknown("command " + quoted + " interrupted");
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
}
