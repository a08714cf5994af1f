package io.capstan.apiserver.watch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The requests waiting for a {@link WatchCache} to be synced (listed once) or ready for watchers,
 * and fresh up to a revision: reads wait for the first list, watchers for their resourceVersion.
 * The cache adds a waiter with a timeout, and each time its state moves it takes the waiters that
 * are now due and completes them after releasing its lock ({@link #complete}).
 *
 * <p>Not thread-safe: the cache guards it with its lock and passes in the state it is at. Its
 * methods only take and hand back waiters; the futures are completed or failed by the cache after
 * it releases its lock.
 */
final class FreshnessWaiters {
    private final List<Waiter> waiters = new ArrayList<>();

    /** A request waiting for the cache; {@code needsWatch}: ready for watchers, not just listed. */
    static final class Waiter {
        final long revision;
        final boolean needsWatch;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        @Nullable
        ScheduledFuture<?> timeout;

        Waiter(long revision, boolean needsWatch) {
            this.revision = revision;
            this.needsWatch = needsWatch;
        }

        /** Whether a cache in this state satisfies the waiter. */
        boolean isDue(boolean synced, boolean ready, long cacheRevision) {
            return (needsWatch ? ready : synced) && cacheRevision >= revision;
        }

        void cancelTimeout() {
            ScheduledFuture<?> task = timeout;
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    void add(Waiter waiter) {
        waiters.add(waiter);
    }

    /** Removes {@code waiter}; false if it was no longer waiting. */
    boolean remove(Waiter waiter) {
        return waiters.remove(waiter);
    }

    /** Whether some waiter needs a revision the cache, at {@code cacheRevision}, has not reached. */
    boolean anyBehind(long cacheRevision) {
        boolean behind = false;
        for (Waiter waiter : waiters) {
            behind |= waiter.revision > cacheRevision;
        }
        return behind;
    }

    /** Removes the waiters a cache in this state satisfies; the caller completes them outside its lock. */
    List<Waiter> takeDue(boolean synced, boolean ready, long cacheRevision) {
        if (waiters.isEmpty()) {
            return List.of();
        }
        List<Waiter> due = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.isDue(synced, ready, cacheRevision)) {
                it.remove();
                due.add(waiter);
            }
        }
        return due;
    }

    /** Removes every waiter, for the caller to fail outside its lock. */
    List<Waiter> takeAll() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        return all;
    }

    /** Completes waiters taken by {@link #takeDue}; called outside the cache's lock. */
    static void complete(List<Waiter> due) {
        for (Waiter waiter : due) {
            waiter.cancelTimeout();
            waiter.future.complete(null);
        }
    }
}
