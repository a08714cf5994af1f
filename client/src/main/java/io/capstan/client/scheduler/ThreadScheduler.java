package io.capstan.client.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on one daemon thread of its own. Its clock is monotonic: the wall-clock time
 * at construction plus the {@link System#nanoTime()} elapsed since, so it agrees with the timer and
 * does not jump when the wall clock is set.
 */
public final class ThreadScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ThreadScheduler.class);

    private final ScheduledThreadPoolExecutor executor;
    private final Instant startInstant = Instant.now();
    private final long startNanos = System.nanoTime();
    private volatile @Nullable Thread thread;

    /** @param threadName the name of the thread, which log lines and stack traces show */
    public ThreadScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread created = new Thread(runnable, threadName);
            created.setDaemon(true);
            thread = created;
            return created;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Instant now() {
        return startInstant.plusNanos(System.nanoTime() - startNanos);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future;
        try {
            future = executor.schedule(
                    () -> {
                        try {
                            task.run();
                        } catch (RuntimeException e) {
                            log.warn("Scheduled task failed", e);
                        }
                    },
                    Math.max(0, delay.toNanos()),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return () -> {}; // closed: nothing runs any more
        }
        return () -> future.cancel(false);
    }

    /** Stops the thread; tasks not yet started never run. Waits briefly for a running task. */
    @Override
    public void close() {
        executor.shutdownNow();
        if (Thread.currentThread() == thread) {
            return; // closed by one of its own tasks, which is about to finish
        }
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Scheduler thread still busy 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
