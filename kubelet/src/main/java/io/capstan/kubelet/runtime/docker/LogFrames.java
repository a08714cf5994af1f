package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.capstan.kubelet.runtime.OutputSink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Turns the engine's log frames into what {@link io.capstan.kubelet.runtime.LogOptions} asked for.
 * The engine's {@code since} takes whole seconds only, so when a since instant is given the runtime
 * asks for timestamps, and this drops the entries written before it within that second; it then
 * strips the timestamps unless they were asked for. Each frame is one log entry (one line, or a
 * piece of a line longer than the engine's 16 KiB), starting with its own timestamp when timestamps
 * are on.
 */
final class LogFrames {
    private final @Nullable Instant since;
    private final boolean engineTimestamps;
    private final boolean keepTimestamps;

    LogFrames(@Nullable Instant since, boolean timestamps) {
        this.since = since;
        this.keepTimestamps = timestamps;
        this.engineTimestamps = timestamps || since != null;
    }

    /** Whether the engine must be asked for timestamps. */
    boolean engineTimestamps() {
        return engineTimestamps;
    }

    void write(Frame frame, OutputSink output) {
        byte[] payload = frame.getPayload();
        if (payload == null || payload.length == 0) {
            return;
        }
        if (engineTimestamps) {
            int space = indexOf(payload, (byte) ' ');
            Instant written = space < 0 ? null : timestamp(payload, space);
            if (written != null) {
                if (since != null && written.isBefore(since)) {
                    return;
                }
                if (!keepTimestamps) {
                    payload = Arrays.copyOfRange(payload, space + 1, payload.length);
                }
            }
        }
        output.write(stream(frame.getStreamType()), payload);
    }

    static OutputSink.Stream stream(@Nullable StreamType type) {
        return type == StreamType.STDERR ? OutputSink.Stream.STDERR : OutputSink.Stream.STDOUT;
    }

    private static @Nullable Instant timestamp(byte[] payload, int end) {
        try {
            return Instant.parse(new String(payload, 0, end, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        // RFC 3339 with nanoseconds and an offset is at most 35 characters
        for (int i = 0; i < Math.min(bytes.length, 40); i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
