package io.capstan.kubelet.probe;

import io.capstan.client.scheduler.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock moves only when a test says so (a copy of the client test-jar's,
 * which kubelet's tests do not depend on yet). Tasks run on the thread that
 * calls {@link #advance} or {@link #runDue}, in order of due time (then of scheduling), including
 * tasks that running ones schedule for times already reached. Thread-safe: tasks may be scheduled
 * from any thread.
 */
final class ManualScheduler implements Scheduler {
    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::sequence));
    private Instant now;
    private long sequence;

    private static final class Task {
        private final Instant due;
        private final long sequence;
        private final Runnable runnable;
        private volatile boolean cancelled;

        Task(Instant due, long sequence, Runnable runnable) {
            this.due = due;
            this.sequence = sequence;
            this.runnable = runnable;
        }

        Instant due() {
            return due;
        }

        long sequence() {
            return sequence;
        }
    }

    public ManualScheduler() {
        this(Instant.parse("2030-01-01T00:00:00Z"));
    }

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable runnable) {
        Task task = new Task(delay.isNegative() ? now : now.plus(delay), sequence++, runnable);
        tasks.add(task);
        return () -> task.cancelled = true;
    }

    /** Runs every task due by now; returns how many ran. */
    public int runDue() {
        int ran = 0;
        for (int i = 0; i < 1_000_000; i++) {
            Task task;
            synchronized (this) {
                Task head = tasks.peek();
                if (head == null || head.due().isAfter(now)) {
                    return ran;
                }
                task = tasks.poll();
            }
            if (!task.cancelled) {
                task.runnable.run();
                ran++;
            }
        }
        throw new IllegalStateException("a million tasks due at once: a task keeps rescheduling itself at once");
    }

    /** Moves the clock forward by {@code step}, running each task when its time comes. */
    public void advance(Duration step) {
        Instant target;
        synchronized (this) {
            target = now.plus(step);
        }
        runDue();
        while (true) {
            synchronized (this) {
                Task head = tasks.peek();
                if (head == null || head.due().isAfter(target)) {
                    now = target;
                    break;
                }
                if (head.due().isAfter(now)) {
                    now = head.due();
                }
            }
            runDue();
        }
        runDue();
    }

    /** Tasks scheduled and not yet run (cancelled ones included). */
    public synchronized int pending() {
        return tasks.size();
    }
}
