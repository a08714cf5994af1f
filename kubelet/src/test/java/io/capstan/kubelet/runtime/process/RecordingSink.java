package io.capstan.kubelet.runtime.process;

import io.capstan.kubelet.runtime.OutputSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Records what a log read or exec wrote, per stream and in order. */
final class RecordingSink implements OutputSink {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();
    private final List<Stream> writes = new ArrayList<>();
    private int closes;
    private @Nullable Throwable error;

    @Override
    public synchronized void write(Stream stream, byte[] bytes) {
        if (closes > 0) {
            throw new IllegalStateException("write after close");
        }
        (stream == Stream.STDOUT ? stdout : stderr).writeBytes(bytes);
        all.writeBytes(bytes);
        writes.add(stream);
    }

    @Override
    public synchronized void close(@Nullable Throwable failure) {
        closes++;
        error = failure;
    }

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    synchronized String all() {
        return all.toString(StandardCharsets.UTF_8);
    }

    synchronized List<String> lines() {
        String text = all();
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    }

    synchronized boolean closed() {
        return closes > 0;
    }

    synchronized int closes() {
        return closes;
    }

    synchronized @Nullable Throwable error() {
        return error;
    }
}
