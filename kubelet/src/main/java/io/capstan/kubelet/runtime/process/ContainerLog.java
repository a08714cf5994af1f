package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.OutputSink;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One container's log: the process writes its raw output into two spool files, and this class
 * collects it into size-rotated {@link LogRecord} segments that readers serve.
 *
 * <p>Files in the container's directory:
 *
 * <ul>
 *   <li>{@code stdout.raw}, {@code stderr.raw}: the process's stdout and stderr, opened with
 *       O_APPEND by its wrapper. {@link #collect} reads them from the positions kept in {@code
 *       spool.positions} and truncates one once it is fully collected and at least {@code
 *       maxBytes} long (O_APPEND makes the writer continue at the new end).
 *   <li>{@code log/<offset>.log}: the segments. The log is one sequence of bytes; a segment is
 *       named by the 20-digit offset of its first byte, the newest is written to, and a new one is
 *       begun once the current one would pass {@code maxBytes}. Beyond {@code maxFiles} the oldest
 *       is deleted. Offsets let a follower resume where it was, whatever was rotated meanwhile.
 * </ul>
 *
 * <p>Trade-offs of this design, chosen over a pipe (which dies with the kubelet) and over a helper
 * process per container (a dependency beyond sh and setsid):
 *
 * <ul>
 *   <li>Times are when the runtime read a line, up to one poll interval late; lines written while
 *       no runtime ran carry the raw file's modification time (its last write). {@code since} is
 *       exact to that resolution.
 *   <li>stdout and stderr stay apart, but their order within one poll interval is not kept:
 *       stdout's lines of an interval come before stderr's.
 *   <li>A raw file is truncated once collected and at least logMaxBytes long. Output written in
 *       the microseconds between the last read and the truncate is lost; with O_APPEND the
 *       process never writes at a stale offset.
 *   <li>While no runtime runs nothing is rotated: the raw files grow until the kubelet is back.
 *   <li>Disk per container is at most logMaxFiles × logMaxBytes of log plus two raw files of
 *       about logMaxBytes each; lines are copied once, as Docker's json-file driver does.
 * </ul>
 *
 * <p>Thread-safe: collection and state are guarded by this object's monitor; readers take a
 * {@link Snapshot} and read segment files without it.
 */
final class ContainerLog {
    static final String DIRECTORY = "log";
    static final String STDOUT_SPOOL = "stdout.raw";
    static final String STDERR_SPOOL = "stderr.raw";
    private static final String POSITIONS = "spool.positions";
    private static final String SEGMENT_SUFFIX = ".log";
    private static final int CHUNK_BYTES = 64 * 1024;

    private final Path containerDirectory;
    private final Path directory;
    private final long maxBytes;
    private final int maxFiles;
    private final Clock clock;

    // all guarded by this
    private final List<Long> starts = new ArrayList<>();
    private long end;
    private long currentBytes;
    private @Nullable OutputStream current;
    private long stdoutPosition;
    private long stderrPosition;
    /** Output written while no runtime collected it gets its spool's mtime, not the time of reading. */
    private boolean backlog;

    private boolean finished;

    /** Opens the log of the container in {@code containerDirectory}, creating it if needed. */
    ContainerLog(Path containerDirectory, long maxBytes, int maxFiles, Clock clock) throws IOException {
        this.containerDirectory = containerDirectory;
        this.directory = containerDirectory.resolve(DIRECTORY);
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
        this.clock = clock;
        Files.createDirectories(directory);
        try (DirectoryStream<Path> segments = Files.newDirectoryStream(directory, "*" + SEGMENT_SUFFIX)) {
            for (Path segment : segments) {
                String name = segment.getFileName().toString();
                try {
                    starts.add(Long.parseLong(name.substring(0, name.length() - SEGMENT_SUFFIX.length())));
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        }
        Collections.sort(starts);
        if (starts.isEmpty()) {
            starts.add(0L);
        } else {
            long last = starts.get(starts.size() - 1);
            currentBytes = Files.size(segment(last));
            end = last + currentBytes;
            backlog = true;
        }
        Path positions = containerDirectory.resolve(POSITIONS);
        if (Files.exists(positions)) {
            Properties properties = StateFiles.readProperties(positions);
            stdoutPosition = Long.parseLong(properties.getProperty("stdout", "0"));
            stderrPosition = Long.parseLong(properties.getProperty("stderr", "0"));
            backlog = true;
        }
    }

    /** What a reader may read: the segments and the end of the log when it was taken. */
    record Snapshot(List<Long> starts, long end, boolean finished) {
        long oldest() {
            return starts.get(0);
        }
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(List.copyOf(starts), end, finished);
    }

    /**
     * Moves what the process wrote since the last call from the spools into the log, stdout
     * before stderr, each record stamped with the time of this call. With {@code last} (the
     * process has exited) an unterminated last line is taken too, and the log is marked finished
     * so followers end.
     *
     * @return whether anything was added
     */
    synchronized boolean collect(boolean last) throws IOException {
        if (finished) {
            return false;
        }
        long before = end;
        Instant now = clock.instant();
        try {
            long out = drain(OutputSink.Stream.STDOUT, stdoutPosition, last, now);
            long err = drain(OutputSink.Stream.STDERR, stderrPosition, last, now);
            if (out != stdoutPosition || err != stderrPosition) {
                stdoutPosition = out;
                stderrPosition = err;
                Properties properties = new Properties();
                properties.setProperty("stdout", Long.toString(out));
                properties.setProperty("stderr", Long.toString(err));
                StateFiles.writeProperties(containerDirectory.resolve(POSITIONS), properties);
            }
        } finally {
            closeCurrent();
        }
        backlog = false;
        if (last) {
            finished = true;
        }
        if (end != before || last) {
            notifyAll();
        }
        return end != before;
    }

    /** Ends every follower: the container is gone. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** Wakes followers so they look at their closed flag. */
    synchronized void wake() {
        notifyAll();
    }

    /**
     * Waits up to {@code millis} until the log grows past {@code offset}, is finished, or {@code
     * stop} (checked on each {@link #wake}) says to give up.
     */
    synchronized void awaitBeyond(long offset, long millis, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (end <= offset && !finished && !stop.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    /**
     * Calls {@code each} for every record in {@code [from, to)} of {@code snapshot}, oldest first.
     * Segments deleted since the snapshot are skipped.
     */
    void read(Snapshot snapshot, long from, long to, Consumer<LogRecord> each) throws IOException {
        List<Long> segmentStarts = snapshot.starts();
        for (int i = 0; i < segmentStarts.size(); i++) {
            readSegment(snapshot, i, from, to, each);
        }
    }

    /** Like {@link #read} for the {@code index}-th segment of the snapshot only. */
    void readSegment(Snapshot snapshot, int index, long from, long to, Consumer<LogRecord> each) throws IOException {
        long start = snapshot.starts().get(index);
        long segmentEnd =
                index + 1 < snapshot.starts().size() ? snapshot.starts().get(index + 1) : snapshot.end();
        long low = Math.max(from, start);
        long high = Math.min(to, segmentEnd);
        if (low >= high) {
            return;
        }
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(segment(start), StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(high - low));
            long position = low - start;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    break;
                }
                position += n;
            }
            bytes = buffer.array();
        } catch (NoSuchFileException e) {
            return; // rotated away since the snapshot
        }
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                LogRecord record = LogRecord.decode(bytes, lineStart, i);
                if (record != null) {
                    each.accept(record);
                }
                lineStart = i + 1;
            }
        }
    }

    private Path segment(long start) {
        return directory.resolve(String.format("%020d%s", start, SEGMENT_SUFFIX));
    }

    /** Collects one spool from {@code position}; returns the position to continue from. */
    private long drain(OutputSink.Stream stream, long position, boolean last, Instant now) throws IOException {
        Path spool = containerDirectory.resolve(stream == OutputSink.Stream.STDOUT ? STDOUT_SPOOL : STDERR_SPOOL);
        if (!Files.exists(spool)) {
            return position;
        }
        try (FileChannel channel = FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size < position) {
                position = 0; // truncated after our last record of the position; start over
            }
            Instant stamp = now;
            if (backlog) {
                Instant modified = Files.getLastModifiedTime(spool).toInstant();
                stamp = modified.isBefore(now) ? modified : now;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
            long at = position;
            long consumed = position;
            while (at < size) {
                buffer.clear();
                buffer.limit((int) Math.min(CHUNK_BYTES, size - at));
                int n = channel.read(buffer, at);
                if (n <= 0) {
                    break;
                }
                byte[] chunk = buffer.array();
                for (int i = 0; i < n; i++) {
                    at++;
                    if (chunk[i] == '\n') {
                        append(new LogRecord(stamp, stream, false, line.toByteArray()));
                        line.reset();
                        consumed = at;
                    } else {
                        line.write(chunk[i]);
                        if (line.size() == LogRecord.MAX_CONTENT_BYTES) {
                            append(new LogRecord(stamp, stream, true, line.toByteArray()));
                            line.reset();
                            consumed = at;
                        }
                    }
                }
            }
            // an unterminated line waits for its end, unless the process is gone or the spool is due
            if (line.size() > 0 && (last || at >= maxBytes)) {
                append(new LogRecord(stamp, stream, true, line.toByteArray()));
                consumed = at;
            }
            // Bytes appended between the size check and the truncate are lost: a window of
            // microseconds, the price of letting the process write without us in between.
            if (consumed >= maxBytes && consumed == at && channel.size() == at) {
                channel.truncate(0);
                consumed = 0;
            }
            return consumed;
        }
    }

    private void append(LogRecord record) throws IOException {
        byte[] bytes = record.encode();
        if (currentBytes > 0 && currentBytes + bytes.length > maxBytes) {
            rotate();
        }
        OutputStream out = current;
        if (out == null) {
            out = new BufferedOutputStream(
                    Files.newOutputStream(
                            segment(starts.get(starts.size() - 1)),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND),
                    CHUNK_BYTES);
            current = out;
        }
        out.write(bytes);
        currentBytes += bytes.length;
        end += bytes.length;
    }

    private void rotate() throws IOException {
        closeCurrent();
        starts.add(end);
        currentBytes = 0;
        while (starts.size() > maxFiles) {
            Files.deleteIfExists(segment(starts.remove(0)));
        }
    }

    private void closeCurrent() throws IOException {
        OutputStream out = current;
        current = null;
        if (out != null) {
            out.close();
        }
    }
}
