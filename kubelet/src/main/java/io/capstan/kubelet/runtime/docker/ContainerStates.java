package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads the engine's view of a container ({@code docker inspect}) as a {@link RuntimeContainer}. */
final class ContainerStates {
    /** Docker's zero time, "0001-01-01T00:00:00Z", for "not yet"; anything before 1970 means the same. */
    private static final Instant NOT_YET = Instant.EPOCH;

    private ContainerStates() {}

    /** The labels of a Capstan container, or null when it carries no complete set. */
    static @Nullable ContainerLabels labels(InspectContainerResponse inspected) {
        if (inspected.getConfig() == null) {
            return null;
        }
        Map<String, String> labels = inspected.getConfig().getLabels();
        return labels == null ? null : ContainerLabels.fromMap(labels);
    }

    static RuntimeContainer of(InspectContainerResponse inspected, ContainerLabels labels) {
        ContainerState docker = inspected.getState();
        String status = docker.getStatus() == null ? "" : docker.getStatus();
        String error = docker.getError() == null ? "" : docker.getError();
        // A container whose start failed stays "created" with an exit code and the error (e.g. exit
        // 127, "exec: ... no such file or directory"): the contract reports it as exited.
        State state = switch (status) {
            case "running", "paused", "restarting" -> State.RUNNING;
            case "created" -> error.isEmpty() ? State.CREATED : State.EXITED;
            default -> State.EXITED; // exited, dead, removing
        };
        Long exitCode = docker.getExitCodeLong();
        Instant startedAt = time(docker.getStartedAt());
        Instant finishedAt = state == State.EXITED ? time(docker.getFinishedAt()) : null;
        if (startedAt != null && finishedAt != null && finishedAt.isBefore(startedAt)) {
            // the engine stamps StartedAt after the start returns: a command that exits at once can
            // show a FinishedAt a millisecond earlier
            finishedAt = startedAt;
        }
        Instant createdAt = time(inspected.getCreated());
        return new RuntimeContainer(
                inspected.getId(),
                labels,
                state,
                state == State.EXITED && exitCode != null ? exitCode.intValue() : 0,
                Boolean.TRUE.equals(docker.getOOMKilled()) ? "OOMKilled" : "",
                error,
                createdAt == null ? NOT_YET : createdAt,
                startedAt,
                finishedAt,
                inspected.getImageId() == null ? "" : inspected.getImageId());
    }

    /** An RFC 3339 time from the engine, or null for Docker's zero time or an unreadable one. */
    static @Nullable Instant time(@Nullable String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(rfc3339);
            return instant.isAfter(NOT_YET) ? instant : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
