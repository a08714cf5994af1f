package io.capstan.kubelet.runtime;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A container as the runtime sees it now.
 *
 * @param id the runtime's id (without the "docker://" scheme)
 * @param labels its identity, from its labels
 * @param state created, running or exited
 * @param exitCode the exit code once exited (128 + n when killed by signal n), else 0
 * @param reason why it exited when the runtime knows more than the code: "OOMKilled", or empty
 * @param message detail for a failed start (e.g. "executable not found: web"), or empty
 * @param createdAt when it was created
 * @param startedAt when it started, null before
 * @param finishedAt when it exited, null before
 * @param imageId the runtime identity of its image
 */
public record RuntimeContainer(
        String id,
        ContainerLabels labels,
        State state,
        int exitCode,
        String reason,
        String message,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        String imageId) {

    public enum State {
        CREATED,
        RUNNING,
        EXITED
    }

    public boolean running() {
        return state == State.RUNNING;
    }

    public boolean exited() {
        return state == State.EXITED;
    }
}
