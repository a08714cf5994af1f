package io.capstan.kubelet.runtime;

import java.time.Duration;
import java.util.OptionalInt;

/** A command running inside a container, started by {@link ContainerRuntime#exec}. */
public interface ExecSession extends AutoCloseable {

    /**
     * Waits for the command to exit and returns its exit code, or empty when {@code timeout}
     * passes first (the command is then still running; {@link #close} ends it).
     */
    OptionalInt await(Duration timeout) throws InterruptedException;

    /** Ends the command if still running (SIGKILL) and releases the session. Idempotent. */
    @Override
    void close();
}
