package io.capstan.client.scheduler;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock and a timer that runs tasks <b>one at a time</b>, in order of their due time, and in
 * submission order for equal due times. Components that run their work on a scheduler (an informer,
 * a leader elector) get serial execution from it and need no locks of their own for that work.
 *
 * <p>Implementations are thread-safe: tasks may be scheduled from any thread. A task that throws
 * is logged by the implementation and does not stop later tasks.
 */
public interface Scheduler {

    /** The current time by this scheduler's clock; never goes backwards. */
    Instant now();

    /**
     * Runs {@code task} once {@code delay} has passed (at once for zero or negative delays): never
     * before {@link #now()} has reached the time of this call plus {@code delay}.
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** Runs {@code task} as soon as the tasks due before it have run. */
    default void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }

    /** A scheduled task. */
    @FunctionalInterface
    interface Cancellable {
        /** Keeps the task from running if it has not started; no effect otherwise. */
        void cancel();
    }
}
