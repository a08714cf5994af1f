package io.capstan.client;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which container's log to read and which part of it, as kubectl logs' flags. Immutable; the
 * {@code with*} methods return changed copies. Start from {@link #defaults()}: the whole log of the
 * pod's only container, read once.
 *
 * @param container the container's name; empty when the pod has exactly one container
 * @param follow keep streaming until the container exits or the stream is closed
 * @param tailLines only the last this many lines; -1 for all
 * @param since only lines of the last this long; null for all (at most one of since and sinceTime)
 * @param sinceTime only lines written at or after this instant; null for all
 * @param timestamps prefix each line with its RFC 3339 time
 * @param previous the log of the container's previous instance, the one before a restart
 */
public record LogOptions(
        String container,
        boolean follow,
        int tailLines,
        @Nullable Duration since,
        @Nullable Instant sinceTime,
        boolean timestamps,
        boolean previous) {

    public LogOptions {
        if (tailLines < -1) {
            throw new IllegalArgumentException("tailLines: must be >= 0, or -1 for all, got " + tailLines);
        }
        if (since != null && (since.isNegative() || since.isZero())) {
            throw new IllegalArgumentException("since: must be positive, got " + since);
        }
        if (since != null && sinceTime != null) {
            throw new IllegalArgumentException("sinceTime: at most one of since and sinceTime may be set");
        }
    }

    public static LogOptions defaults() {
        return new LogOptions("", false, -1, null, null, false, false);
    }

    public LogOptions withContainer(String name) {
        return new LogOptions(name, follow, tailLines, since, sinceTime, timestamps, previous);
    }

    public LogOptions withFollow(boolean on) {
        return new LogOptions(container, on, tailLines, since, sinceTime, timestamps, previous);
    }

    public LogOptions withTailLines(int lines) {
        return new LogOptions(container, follow, lines, since, sinceTime, timestamps, previous);
    }

    public LogOptions withSince(@Nullable Duration window) {
        return new LogOptions(container, follow, tailLines, window, sinceTime, timestamps, previous);
    }

    public LogOptions withSinceTime(@Nullable Instant time) {
        return new LogOptions(container, follow, tailLines, since, time, timestamps, previous);
    }

    public LogOptions withTimestamps(boolean on) {
        return new LogOptions(container, follow, tailLines, since, sinceTime, on, previous);
    }

    public LogOptions withPrevious(boolean on) {
        return new LogOptions(container, follow, tailLines, since, sinceTime, timestamps, on);
    }
}
