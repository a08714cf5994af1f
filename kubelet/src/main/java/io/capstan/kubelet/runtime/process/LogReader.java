package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.LogOptions;
import io.capstan.kubelet.runtime.LogStream;
import io.capstan.kubelet.runtime.OutputSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one container's log for one caller: the records {@link LogOptions} select, then with
 * follow every record added until the log is finished (the container exited and its output was
 * collected, or it was removed) or {@link #close} is called. A follower that falls behind rotation
 * skips to the oldest segment left.
 */
final class LogReader implements LogStream {
    private static final long FOLLOW_WAIT_MILLIS = 1000;

    private final ContainerLog log;
    private final LogOptions options;
    private final OutputSink sink;
    /** The runtime's followers, which this one leaves when it ends. */
    private final Set<LogReader> followers;
    // whether the next record of each stream starts a line (timestamps go there only)
    private boolean stdoutAtLineStart = true;
    private boolean stderrAtLineStart = true;
    private volatile boolean closed;

    LogReader(ContainerLog log, LogOptions options, OutputSink sink, Set<LogReader> followers) {
        this.log = log;
        this.options = options;
        this.sink = sink;
        this.followers = followers;
    }

    /** Reads and, with follow, keeps reading until the end; closes the sink in every case. */
    void run() {
        Throwable error = null;
        try {
            ContainerLog.Snapshot snapshot = log.snapshot();
            history(snapshot);
            if (options.follow()) {
                follow(snapshot.end());
            }
        } catch (IOException | RuntimeException e) {
            error = e instanceof UncheckedIOException u ? u.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sink.close(error);
            followers.remove(this);
        }
    }

    @Override
    public void close() {
        closed = true;
        log.wake();
    }

    private void history(ContainerLog.Snapshot snapshot) throws IOException {
        int tail = options.tailLines();
        if (tail < 0) {
            log.read(snapshot, snapshot.oldest(), snapshot.end(), this::emitIfSelected);
            return;
        }
        // newest segments first, until they hold enough lines
        Deque<List<LogRecord>> segments = new ArrayDeque<>();
        int count = 0;
        for (int i = snapshot.starts().size() - 1; i >= 0 && count < tail; i--) {
            List<LogRecord> records = new ArrayList<>();
            log.readSegment(snapshot, i, snapshot.oldest(), snapshot.end(), record -> {
                if (selected(record)) {
                    records.add(record);
                }
            });
            segments.addFirst(records);
            count += records.size();
        }
        List<LogRecord> all = new ArrayList<>(count);
        segments.forEach(all::addAll);
        for (LogRecord record : all.subList(Math.max(0, all.size() - tail), all.size())) {
            emit(record);
        }
    }

    private void follow(long from) throws IOException, InterruptedException {
        long offset = from;
        while (!closed) {
            ContainerLog.Snapshot snapshot = log.snapshot();
            if (offset < snapshot.oldest()) {
                offset = snapshot.oldest();
            }
            if (snapshot.end() > offset) {
                log.read(snapshot, offset, snapshot.end(), this::emitIfSelected);
                offset = snapshot.end();
            } else if (snapshot.finished()) {
                return;
            } else {
                log.awaitBeyond(offset, FOLLOW_WAIT_MILLIS, () -> closed);
            }
        }
    }

    private boolean selected(LogRecord record) {
        @Nullable Instant since = options.since();
        return since == null || !record.time().isBefore(since);
    }

    private void emitIfSelected(LogRecord record) {
        if (!closed && selected(record)) {
            emit(record);
        }
    }

    private void emit(LogRecord record) {
        boolean stdout = record.stream() == OutputSink.Stream.STDOUT;
        sink.write(
                record.stream(), record.render(options.timestamps(), stdout ? stdoutAtLineStart : stderrAtLineStart));
        if (stdout) {
            stdoutAtLineStart = !record.partial();
        } else {
            stderrAtLineStart = !record.partial();
        }
    }
}
