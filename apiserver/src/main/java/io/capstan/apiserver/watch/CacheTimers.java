package io.capstan.apiserver.watch;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of one {@link WatchCache} (bookmarks, freshness timeouts, progress requests, retries)
 * on the scheduler it shares with other caches. A task that throws is logged and keeps its later
 * runs, which a scheduled executor would cancel silently.
 *
 * <p>Thread-safe and takes no lock, so the cache schedules while holding its own. Each scheduling
 * method throws {@link java.util.concurrent.RejectedExecutionException} once the scheduler is shut
 * down.
 */
final class CacheTimers {
    private static final Logger log = LoggerFactory.getLogger(CacheTimers.class);

    private final ScheduledExecutorService scheduler;
    private final String kindName;

    CacheTimers(ScheduledExecutorService scheduler, String kindName) {
        this.scheduler = scheduler;
        this.kindName = kindName;
    }

    /** Runs {@code task} once after {@code delay}. */
    ScheduledFuture<?> after(Duration delay, Runnable task) {
        return scheduler.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code interval}, the first time one interval from now. */
    ScheduledFuture<?> atFixedRate(Duration interval, Runnable task) {
        long nanos = interval.toNanos();
        return scheduler.scheduleAtFixedRate(guarded(task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} now and then again {@code delay} after each run ends. */
    ScheduledFuture<?> withFixedDelay(Duration delay, Runnable task) {
        return scheduler.scheduleWithFixedDelay(guarded(task), 0, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    static void cancel(@Nullable ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Watch cache task failed kind={}", kindName, e);
            }
        };
    }
}
