package io.capstan.kubelet.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming call to the engine (logs, exec output, events, a pull) that ends exactly once: the
 * handler sees its items in order, then one {@link Handler#ended} with the error that ended it early,
 * or null when it completed or was closed here.
 *
 * <p>docker-java's own {@code ResultCallbackTemplate} logs every error at ERROR (an offline pull
 * would log one per attempt), and closing a stream makes it report {@code
 * ClosedByInterruptException} and then complete; this class keeps both out of the handler: after
 * {@link #close} nothing more reaches it.
 */
final class DockerStream<T> implements ResultCallback<T> {
    private static final Logger log = LoggerFactory.getLogger(DockerStream.class);

    interface Handler<T> {
        void item(T item);

        void ended(@Nullable Throwable error);
    }

    private final Handler<T> handler;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean cancelled;
    private volatile @Nullable Closeable connection;
    // guarded by this; the handler is only called while holding this, so its calls never overlap
    private boolean ended;
    // guarded by this
    private @Nullable Throwable error;

    DockerStream(Handler<T> handler) {
        this.handler = handler;
    }

    @Override
    public void onStart(Closeable connection) {
        this.connection = connection;
        if (cancelled) {
            closeQuietly(connection);
        }
    }

    @Override
    public synchronized void onNext(T item) {
        if (!ended && !cancelled) {
            handler.item(item);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        end(cancelled ? null : throwable);
    }

    @Override
    public void onComplete() {
        end(null);
    }

    /** Stops the stream; the handler is told it ended (without an error) unless it already was. */
    @Override
    public void close() {
        if (!cancelled) {
            cancelled = true;
            Closeable current = connection;
            if (current != null) {
                closeQuietly(current);
            }
        }
        end(null);
    }

    /** Waits until the stream has ended; false when {@code timeout} passed first. */
    boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    boolean hasEnded() {
        return done.getCount() == 0;
    }

    /** The error that ended the stream, null while it runs or when it completed or was closed. */
    synchronized @Nullable Throwable error() {
        return error;
    }

    private void end(@Nullable Throwable cause) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            error = cause;
            try {
                handler.ended(cause);
            } finally {
                done.countDown();
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            log.debug("Closing a Docker stream failed", e);
        }
    }
}
