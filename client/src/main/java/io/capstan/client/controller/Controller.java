package io.capstan.client.controller;

import com.google.protobuf.Message;
import io.capstan.client.ObjectKey;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Informer;
import io.capstan.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a {@link Reconciler} on worker threads over a {@link WorkQueue} of keys that informers fill,
 * as sample-controller's {@code Run}: the one place that decides what an outcome means.
 *
 * <pre>{@code
 * Controller controller = Controller.named("replicaset")
 *         .reconciler(new ReplicaSetController(...))
 *         .watch(replicaSets, EventHandlers.byKey())
 *         .watch(pods, EventHandlers.byControllerOwner("ReplicaSet"))
 *         .workers(2)
 *         .build();
 * controller.start();
 * }</pre>
 *
 * <ul>
 *   <li>Workers start taking keys only once every watched informer {@link Informer#hasSynced()}.
 *   <li>A reconcile that returns forgets the key's back-off, and requeues it after {@link
 *       Result#requeueAfter()} if set; one that throws requeues it rate-limited (per-key
 *       exponential back-off).
 *   <li>{@link #close()} shuts the queue down, lets each worker finish its current key, and waits
 *       for them up to the shutdown timeout, then interrupts those still running.
 * </ul>
 *
 * Log lines of a reconcile carry {@code controller} and {@code key} in the MDC.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final String name;
    private final Reconciler reconciler;
    private final WorkQueue<ObjectKey> queue;
    private final List<Informer<?>> informers;
    private final int workerCount;
    private final Duration shutdownTimeout;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopping;

    private Controller(Builder builder, Reconciler reconciler, WorkQueue<ObjectKey> queue) {
        this.name = builder.name;
        this.reconciler = reconciler;
        this.queue = queue;
        this.informers = List.copyOf(builder.informers);
        this.workerCount = builder.workers;
        this.shutdownTimeout = builder.shutdownTimeout;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The queue, for adding keys by hand. */
    public WorkQueue<ObjectKey> queue() {
        return queue;
    }

    /** Starts the workers; they wait for the informers to sync. The informers are started by their owner. */
    public synchronized void start() {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("controller " + name + " already started");
        }
        for (int i = 0; i < workerCount; i++) {
            Thread worker = new Thread(this::runWorker, "controller-" + name + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        log.info("Started controller {} with {} workers", name, workerCount);
    }

    @Override
    public synchronized void close() {
        stopping = true;
        queue.shutDown();
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        try {
            for (Thread worker : workers) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(worker, left);
                }
                if (worker.isAlive()) {
                    log.warn("Worker {} still busy after {}, interrupting it", worker.getName(), shutdownTimeout);
                    worker.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Stopped controller {}", name);
    }

    private void runWorker() {
        try (var ignored = MDC.putCloseable("controller", name)) {
            if (!awaitInformers()) {
                return;
            }
            ObjectKey key;
            while (!stopping && (key = queue.take()) != null) {
                if (!reconcile(key)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** False when the worker should stop (interrupted). */
    private boolean reconcile(ObjectKey key) {
        try (var ignored = MDC.putCloseable("key", key.toString())) {
            @Nullable Duration again = reconciler.reconcile(key).requeueAfter();
            queue.forget(key);
            if (again != null) {
                queue.addAfter(key, again);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("Reconcile of {} failed (attempt {}), will retry", key, queue.retries(key) + 1, e);
            queue.addRateLimited(key);
            return true;
        } finally {
            queue.done(key);
        }
    }

    private boolean awaitInformers() throws InterruptedException {
        for (Informer<?> informer : informers) {
            while (!informer.awaitSynced(Duration.ofMillis(100))) {
                if (stopping) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Builds a {@link Controller}; {@link #reconciler} is required. */
    public static final class Builder {
        private final String name;
        private final List<Informer<?>> informers = new ArrayList<>();
        private final List<Runnable> registrations = new ArrayList<>();
        private @Nullable Reconciler reconciler;
        private @Nullable WorkQueue<ObjectKey> queue;
        private int workers = 1;
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder(String name) {
            this.name = name;
        }

        public Builder reconciler(Reconciler value) {
            this.reconciler = value;
            return this;
        }

        /** Queues the keys {@code keys} gives for each added, updated (old and new) and deleted object. */
        public <T extends Message> Builder watch(Informer<T> informer, EventKeys<T> keys) {
            informers.add(informer);
            registrations.add(() -> informer.addHandler(new EnqueueingHandler<>(keys, queueOrDefault())));
            return this;
        }

        public Builder workers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("workers: must be >= 1, got " + count);
            }
            this.workers = count;
            return this;
        }

        /** The queue to use; default {@link WorkQueue#create} named after the controller. */
        public Builder queue(WorkQueue<ObjectKey> value) {
            this.queue = value;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        public Controller build() {
            if (reconciler == null) {
                throw new IllegalStateException("controller " + name + ": reconciler required");
            }
            WorkQueue<ObjectKey> built = queueOrDefault();
            registrations.forEach(Runnable::run);
            return new Controller(this, reconciler, built);
        }

        private WorkQueue<ObjectKey> queueOrDefault() {
            if (queue == null) {
                queue = WorkQueue.create(name);
            }
            return queue;
        }
    }

    private record EnqueueingHandler<T>(EventKeys<T> keys, WorkQueue<ObjectKey> queue) implements EventHandler<T> {
        @Override
        public void onAdd(T object) {
            keys.keysFor(object).forEach(queue::add);
        }

        @Override
        public void onUpdate(T oldObject, T newObject) {
            keys.keysFor(oldObject).forEach(queue::add);
            keys.keysFor(newObject).forEach(queue::add);
        }

        @Override
        public void onDelete(T object) {
            keys.keysFor(object).forEach(queue::add);
        }
    }
}
