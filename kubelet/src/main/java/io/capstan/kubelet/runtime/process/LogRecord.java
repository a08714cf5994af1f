package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.OutputSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * One record of a container's log file, in the CRI log format containerd writes:
 *
 * <pre>
 * 2024-05-01T12:00:00.123456789Z stdout F hello world
 * 2024-05-01T12:00:00.123456789Z stderr P first 16 KiB of a longer line...
 * </pre>
 *
 * <p>The tag is F for a full line (its newline removed) and P for a piece of one: a line longer
 * than {@link #MAX_CONTENT_BYTES}, or a last line the process never ended. The content is the
 * process's bytes as written, never re-encoded.
 */
final class LogRecord {
    /** Longer lines are split into P records, as Docker and containerd do (16 KiB). */
    static final int MAX_CONTENT_BYTES = 16 * 1024;

    private final Instant time;
    private final OutputSink.Stream stream;
    private final boolean partial;
    private final byte[] content;

    LogRecord(Instant time, OutputSink.Stream stream, boolean partial, byte[] content) {
        this.time = time;
        this.stream = stream;
        this.partial = partial;
        this.content = content;
    }

    Instant time() {
        return time;
    }

    OutputSink.Stream stream() {
        return stream;
    }

    boolean partial() {
        return partial;
    }

    /** The record as one line of the log file, newline included. */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 48);
        out.writeBytes(time.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(streamName(stream).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.write(partial ? 'P' : 'F');
        out.write(' ');
        out.writeBytes(content);
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * What a reader of the log gets: the content, a newline for a full line, and with {@code
     * timestamps} the time and a space in front when the record starts a line.
     */
    byte[] render(boolean timestamps, boolean startsLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 40);
        if (timestamps && startsLine) {
            out.writeBytes(time.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
        }
        out.writeBytes(content);
        if (!partial) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Parses {@code bytes[from, to)}, one line without its newline; null when it is no record. */
    static @Nullable LogRecord decode(byte[] bytes, int from, int to) {
        int timeEnd = indexOf(bytes, ' ', from, to);
        if (timeEnd < 0 || timeEnd + 10 > to) {
            return null;
        }
        int streamEnd = indexOf(bytes, ' ', timeEnd + 1, to);
        if (streamEnd < 0 || streamEnd + 3 > to || bytes[streamEnd + 2] != ' ') {
            return null;
        }
        OutputSink.Stream stream;
        String name = new String(bytes, timeEnd + 1, streamEnd - timeEnd - 1, StandardCharsets.US_ASCII);
        if (name.equals("stdout")) {
            stream = OutputSink.Stream.STDOUT;
        } else if (name.equals("stderr")) {
            stream = OutputSink.Stream.STDERR;
        } else {
            return null;
        }
        byte tag = bytes[streamEnd + 1];
        if (tag != 'F' && tag != 'P') {
            return null;
        }
        try {
            Instant time = Instant.parse(new String(bytes, from, timeEnd - from, StandardCharsets.US_ASCII));
            byte[] content = java.util.Arrays.copyOfRange(bytes, streamEnd + 3, to);
            return new LogRecord(time, stream, tag == 'P', content);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String streamName(OutputSink.Stream stream) {
        return switch (stream) {
            case STDOUT -> "stdout";
            case STDERR -> "stderr";
        };
    }

    private static int indexOf(byte[] bytes, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
