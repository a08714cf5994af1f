package io.capstan.kubelet.runtime.docker;

import io.capstan.kubelet.runtime.OutputSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** An {@link OutputSink} that keeps what it receives, for assertions. */
final class CollectingSink implements OutputSink {
    private final StringBuilder stdout = new StringBuilder(); // guarded by this
    private final StringBuilder stderr = new StringBuilder(); // guarded by this
    private final StringBuilder all = new StringBuilder(); // guarded by this
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger closes = new AtomicInteger();
    private volatile @Nullable Throwable error;

    @Override
    public synchronized void write(Stream stream, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        (stream == Stream.STDOUT ? stdout : stderr).append(text);
        all.append(text);
    }

    @Override
    public void close(@Nullable Throwable error) {
        this.error = error;
        closes.incrementAndGet();
        closed.countDown();
    }

    synchronized String stdout() {
        return stdout.toString();
    }

    synchronized String stderr() {
        return stderr.toString();
    }

    /** stdout and stderr interleaved as received. */
    synchronized String all() {
        return all.toString();
    }

    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    int closes() {
        return closes.get();
    }

    @Nullable
    Throwable error() {
        return error;
    }
}
