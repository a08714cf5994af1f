package io.capstan.kubelet.probe;

import io.capstan.kubelet.runtime.OutputSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Keeps the first {@code limitBytes} of an exec'd command's stdout and stderr, interleaved. */
final class BoundedOutput implements OutputSink {
    private final int limitBytes;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(); // guarded by this
    private final CountDownLatch closed = new CountDownLatch(1);

    BoundedOutput(int limitBytes) {
        this.limitBytes = limitBytes;
    }

    @Override
    public synchronized void write(Stream stream, byte[] bytes) {
        int room = limitBytes - kept.size();
        if (room > 0) {
            kept.write(bytes, 0, Math.min(room, bytes.length));
        }
    }

    @Override
    public void close(@Nullable Throwable error) {
        closed.countDown();
    }

    /** Waits up to {@code timeout} for the end of the output; true when it ended. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }
}
