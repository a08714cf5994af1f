package io.capstan.client.workqueue;

import io.capstan.client.scheduler.Scheduler;
import io.capstan.client.scheduler.ThreadScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A queue of keys for workers, with client-go's guarantees:
 *
 * <ul>
 *   <li><b>De-duplication.</b> A key added many times before a worker takes it is taken once.
 *   <li><b>One worker per key.</b> A key is never handed to two workers at once. A key added while
 *       it is being processed is held back and queued again when the worker calls {@link #done}.
 *   <li><b>Delays.</b> {@link #addAfter} queues a key later; a key waiting to be added keeps the
 *       earliest of its times. {@link #addRateLimited} waits as the {@link RateLimiter} says (per
 *       key exponential back-off by default); {@link #forget} ends a key's back-off.
 *   <li><b>Shutdown.</b> After {@link #shutDown()} adds are ignored, keys already queued are still
 *       handed out, and {@link #take()} returns null once none is left. {@link #shutDownWithDrain()}
 *       also waits until every key being processed is {@link #done}.
 * </ul>
 *
 * <p>A worker's loop: {@code take()}, process, then {@code forget(key)} on success or {@code
 * addRateLimited(key)} on failure, and always {@code done(key)}.
 *
 * <p>Example: {@code add(a)}, {@code add(a)}, {@code take()} gives a; {@code add(a)} now (a is
 * processing, so it is only marked dirty); a second worker's {@code take()} blocks; {@code done(a)}
 * queues a again and the second worker gets it.
 *
 * <p>Thread-safe. Delayed adds run on the {@link Scheduler}.
 */
public final class WorkQueue<K> {
    private final String name;
    private final RateLimiter<K> rateLimiter;
    private final Scheduler scheduler;
    private final @Nullable ThreadScheduler ownedScheduler;

    // all guarded by this
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    /** Keys to be processed: queued, or added again while processing. */
    private final Set<K> dirty = new HashSet<>();

    private final Set<K> processing = new HashSet<>();
    /** Keys waiting for a delayed add, with the time each is due; the earliest time wins. */
    private final Map<K, Instant> waiting = new HashMap<>();

    private final PriorityQueue<Waiting<K>> waitingByTime =
            new PriorityQueue<>(Comparator.comparing(Waiting<K>::readyAt).thenComparingLong(Waiting::sequence));
    private long sequence;
    private boolean shuttingDown;

    private record Waiting<K>(Instant readyAt, long sequence, K key) {}

    public WorkQueue(String name, RateLimiter<K> rateLimiter, Scheduler scheduler) {
        this(name, rateLimiter, scheduler, null);
    }

    private WorkQueue(
            String name, RateLimiter<K> rateLimiter, Scheduler scheduler, @Nullable ThreadScheduler ownedScheduler) {
        this.name = name;
        this.rateLimiter = rateLimiter;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
    }

    /**
     * A queue with client-go's controller rate limiter ({@link RateLimiter#controllerDefaults}) and
     * a timer thread of its own, {@code workqueue-<name>}.
     */
    public static <K> WorkQueue<K> create(String name) {
        ThreadScheduler timer = new ThreadScheduler("workqueue-" + name);
        return new WorkQueue<>(name, RateLimiter.controllerDefaults(timer), timer, timer);
    }

    public String name() {
        return name;
    }

    /** Queues {@code key} unless it is queued already; ignored after shutdown. */
    public synchronized void add(K key) {
        if (shuttingDown || !dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    /** Queues {@code key} once {@code delay} has passed (at once if it is not positive). */
    public void addAfter(K key, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
            Instant readyAt = scheduler.now().plus(delay);
            Instant earlier = waiting.get(key);
            if (earlier != null && !readyAt.isBefore(earlier)) {
                return;
            }
            waiting.put(key, readyAt);
            waitingByTime.add(new Waiting<>(readyAt, sequence++, key));
        }
        scheduler.schedule(delay, this::addDue);
    }

    /** Queues {@code key} after the rate limiter's delay for it, counting a failure. */
    public void addRateLimited(K key) {
        addAfter(key, rateLimiter.when(key));
    }

    /** Ends {@code key}'s back-off: call it when the key was processed successfully. */
    public void forget(K key) {
        rateLimiter.forget(key);
    }

    /** How often {@code key} has been added rate-limited since it was last forgotten. */
    public int retries(K key) {
        return rateLimiter.retries(key);
    }

    /**
     * The next key, marked as processing until {@link #done}; blocks while the queue is empty.
     * Returns null once the queue is shut down and empty.
     */
    public synchronized @Nullable K take() throws InterruptedException {
        while (queue.isEmpty() && !shuttingDown) {
            wait();
        }
        K key = queue.pollFirst();
        if (key == null) {
            return null;
        }
        processing.add(key);
        dirty.remove(key);
        return key;
    }

    /** Ends processing of {@code key}; if it was added meanwhile, it is queued again. */
    public synchronized void done(K key) {
        processing.remove(key);
        if (dirty.contains(key)) {
            queue.addLast(key);
        }
        notifyAll();
    }

    /** Keys queued and not yet taken. */
    public synchronized int length() {
        return queue.size();
    }

    /** Keys waiting for a delayed or rate-limited add. */
    public synchronized int waitingCount() {
        return waiting.size();
    }

    public synchronized boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Ignores adds from now on and drops the delayed ones; queued keys are still handed out. */
    public void shutDown() {
        synchronized (this) {
            shuttingDown = true;
            waiting.clear();
            waitingByTime.clear();
            notifyAll();
        }
        if (ownedScheduler != null) {
            ownedScheduler.close();
        }
    }

    /** {@link #shutDown()}, then waits until no key is being processed. */
    public void shutDownWithDrain() throws InterruptedException {
        shutDown();
        synchronized (this) {
            while (!processing.isEmpty()) {
                wait();
            }
        }
    }

    private synchronized void addDue() {
        Instant now = scheduler.now();
        Waiting<K> next;
        while ((next = waitingByTime.peek()) != null && !next.readyAt().isAfter(now)) {
            waitingByTime.poll();
            // an entry superseded by an earlier time for the same key was added back then
            if (next.readyAt().equals(waiting.get(next.key()))) {
                waiting.remove(next.key());
                add(next.key());
            }
        }
    }
}
