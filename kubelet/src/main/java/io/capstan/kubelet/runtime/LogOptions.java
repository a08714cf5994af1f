package io.capstan.kubelet.runtime;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which part of a container's log to read.
 *
 * @param follow keep streaming what the container writes until it exits or the reader closes
 * @param tailLines the last this many lines only; negative for all
 * @param since only lines written at or after this instant; null for all
 * @param timestamps prefix each line with its RFC 3339 time and a space, as kubectl logs
 *     --timestamps does
 */
public record LogOptions(
        boolean follow, int tailLines, @Nullable Instant since, boolean timestamps) {
    public static LogOptions all() {
        return new LogOptions(false, -1, null, false);
    }
}
