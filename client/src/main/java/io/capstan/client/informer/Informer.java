package io.capstan.client.informer;

import com.google.protobuf.Message;
import io.capstan.client.ApiException;
import io.capstan.client.ExpiredException;
import io.capstan.client.Kind;
import io.capstan.client.KindClient;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectKey;
import io.capstan.client.ObjectList;
import io.capstan.client.Watch;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchListener;
import io.capstan.client.scheduler.Scheduler;
import io.capstan.client.scheduler.ThreadScheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link Indexer} of one kind's objects current and tells {@link EventHandler}s of each
 * change, as client-go's SharedInformer with its Reflector.
 *
 * <p><b>How it stays current.</b> It lists, then watches from the list's resourceVersion with
 * bookmarks, remembering the resourceVersion of the last event or bookmark. When the stream
 * breaks (the server went away, or dropped this watcher as too slow) it watches again from that
 * resourceVersion after a short back-off, on whichever API server the client now uses, so it
 * misses and repeats nothing. When told the resourceVersion has expired (OUT_OF_RANGE) it lists
 * again and reconciles the cache with the list: objects not in the list are deleted, new ones
 * added, and those whose resourceVersion changed updated; unchanged ones cause no event. A failed
 * list is retried with back-off (100 ms doubling to 10 s).
 *
 * <p><b>Resync.</b> Every {@code resyncPeriod} (0: never) each cached object is delivered again as
 * {@code onUpdate(object, object)}, a safety net for level-based controllers.
 *
 * <p><b>Threads.</b> All of its work, handler calls included, runs on its {@link Scheduler}, one
 * task at a time: handlers are called serially and in order of the changes. {@link #hasSynced()}
 * turns true once the first list is in the cache and its adds have been delivered. Handlers may be
 * added before or after {@link #start()}; one added later first gets an add for each cached
 * object. Start and stop are explicit and happen once.
 */
public final class Informer<T extends Message> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Informer.class);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Kind<T> kind;
    private final ListWatch<T> listWatch;
    private final Scheduler scheduler;
    private final @Nullable ThreadScheduler ownedScheduler;
    private final Duration resyncPeriod;
    private final Indexer<T> indexer;
    // changed on the scheduler only
    private final List<EventHandler<T>> handlers = new CopyOnWriteArrayList<>();
    private final CountDownLatch synced = new CountDownLatch(1);

    // the fields below are read and written on the scheduler only, except where volatile
    private volatile boolean started;
    private volatile boolean stopped;
    private volatile String lastResourceVersion = "";
    private volatile @Nullable Watch watch;
    private volatile Scheduler.@Nullable Cancellable pending;
    private volatile Scheduler.@Nullable Cancellable resync;
    private long watchGeneration;
    private Duration backoff = INITIAL_BACKOFF;

    /**
     * @param scheduler runs all of this informer's work; it must run tasks one at a time
     * @param resyncPeriod how often cached objects are delivered again; zero for never
     */
    public Informer(Kind<T> kind, ListWatch<T> listWatch, Scheduler scheduler, Duration resyncPeriod) {
        this(kind, listWatch, scheduler, null, resyncPeriod);
    }

    private Informer(
            Kind<T> kind,
            ListWatch<T> listWatch,
            Scheduler scheduler,
            @Nullable ThreadScheduler ownedScheduler,
            Duration resyncPeriod) {
        if (resyncPeriod.isNegative()) {
            throw new IllegalArgumentException("resyncPeriod: must be >= 0, got " + resyncPeriod);
        }
        this.kind = kind;
        this.listWatch = listWatch;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
        this.resyncPeriod = resyncPeriod;
        this.indexer = new Indexer<>(kind);
    }

    /**
     * An informer over the API for the objects of {@code client}'s kind in {@code scope}, on a
     * thread of its own named {@code informer-<Kind>}.
     */
    public static <T extends Message> Informer<T> create(
            KindClient<T> client, ListOptions scope, Duration resyncPeriod) {
        ThreadScheduler thread = new ThreadScheduler("informer-" + client.kind().name());
        return new Informer<>(client.kind(), ListWatch.of(client, scope), thread, thread, resyncPeriod);
    }

    public Kind<T> kind() {
        return kind;
    }

    /** The cache; read it from any thread. */
    public Indexer<T> indexer() {
        return indexer;
    }

    /** Adds a custom index to the cache; see {@link Indexer#addIndex}. */
    public void addIndex(String name, Function<T, Collection<String>> indexFunction) {
        indexer.addIndex(name, indexFunction);
    }

    public void addHandler(EventHandler<T> handler) {
        scheduler.execute(() -> {
            handlers.add(handler);
            if (hasSynced()) {
                for (T object : indexer.list()) {
                    call(handler, "add", object, h -> h.onAdd(object));
                }
            }
        });
    }

    /**
     * Lists and starts watching, on the scheduler.
     *
     * @throws IllegalStateException if started before
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("informer of " + kind + " already started");
        }
        started = true;
        scheduler.execute(this::relist);
        if (!resyncPeriod.isZero()) {
            scheduleResync();
        }
    }

    public boolean hasSynced() {
        return synced.getCount() == 0;
    }

    /** Waits until {@link #hasSynced()}; false if {@code timeout} passed first. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return synced.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The resourceVersion of the last list, event or bookmark seen; empty before the first list. */
    public String lastResourceVersion() {
        return lastResourceVersion;
    }

    /** Stops watching; no handler is called after this returns (except one running now). */
    @Override
    public void close() {
        stopped = true;
        cancel(pending);
        cancel(resync);
        Watch open = watch;
        if (open != null) {
            open.close();
        }
        if (ownedScheduler != null) {
            ownedScheduler.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // on the scheduler

    private void relist() {
        if (stopped) {
            return;
        }
        closeWatch();
        ObjectList<T> list;
        try {
            list = listWatch.list();
        } catch (ApiException e) {
            log.warn("List of {} failed, retrying in {}: {}", kind, backoff, e.getMessage());
            retryLater(this::relist);
            return;
        }
        replace(list.items());
        lastResourceVersion = list.resourceVersion();
        backoff = INITIAL_BACKOFF;
        synced.countDown();
        log.debug("Listed {} {} objects at resourceVersion {}", list.items().size(), kind, lastResourceVersion);
        startWatch();
    }

    /** Brings the cache to {@code items}, telling handlers only of real changes. */
    private void replace(List<T> items) {
        Set<ObjectKey> listed = new HashSet<>();
        for (T object : items) {
            listed.add(key(object));
            T old = indexer.put(object);
            if (old == null) {
                notifyAdd(object);
            } else if (!resourceVersion(old).equals(resourceVersion(object))) {
                notifyUpdate(old, object);
            }
        }
        for (T cached : indexer.list()) {
            if (!listed.contains(key(cached))) {
                indexer.remove(key(cached));
                notifyDelete(cached);
            }
        }
    }

    private void startWatch() {
        if (stopped) {
            return;
        }
        long generation = ++watchGeneration;
        try {
            watch = listWatch.watch(lastResourceVersion, new WatchListener<>() {
                @Override
                public void onEvent(WatchEvent<T> event) {
                    scheduler.execute(() -> {
                        if (isCurrent(generation)) {
                            apply(event);
                        }
                    });
                }

                @Override
                public void onClose(@Nullable ApiException error) {
                    scheduler.execute(() -> {
                        if (isCurrent(generation)) {
                            watchEnded(error);
                        }
                    });
                }
            });
        } catch (ApiException e) {
            watchEnded(e);
        }
    }

    private boolean isCurrent(long generation) {
        return !stopped && generation == watchGeneration;
    }

    private void apply(WatchEvent<T> event) {
        backoff = INITIAL_BACKOFF;
        switch (event.type()) {
            case ADDED, MODIFIED -> {
                T old = indexer.put(event.object());
                if (old == null) {
                    notifyAdd(event.object());
                } else {
                    notifyUpdate(old, event.object());
                }
            }
            case DELETED -> {
                if (indexer.remove(key(event.object())) != null) {
                    notifyDelete(event.object());
                }
            }
            case BOOKMARK -> {
                // nothing changed up to this resourceVersion: resume from here
            }
        }
        lastResourceVersion = event.resourceVersion();
    }

    private void watchEnded(@Nullable ApiException error) {
        watch = null;
        if (error instanceof ExpiredException) {
            log.info("Watch of {} from resourceVersion {} expired, listing again", kind, lastResourceVersion);
            relist();
            return;
        }
        log.info(
                "Watch of {} ended ({}), watching again from resourceVersion {} in {}",
                kind,
                error == null ? "closed by the server" : error.getMessage(),
                lastResourceVersion,
                backoff);
        retryLater(this::startWatch);
    }

    private void retryLater(Runnable task) {
        pending = scheduler.schedule(backoff, task);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    private void closeWatch() {
        watchGeneration++;
        Watch open = watch;
        watch = null;
        if (open != null) {
            open.close();
        }
    }

    private void scheduleResync() {
        resync = scheduler.schedule(resyncPeriod, () -> {
            if (stopped) {
                return;
            }
            if (hasSynced()) {
                for (T object : indexer.list()) {
                    notifyUpdate(object, object);
                }
            }
            scheduleResync();
        });
    }

    private void notifyAdd(T object) {
        for (EventHandler<T> handler : handlers) {
            call(handler, "add", object, h -> h.onAdd(object));
        }
    }

    private void notifyUpdate(T old, T object) {
        for (EventHandler<T> handler : handlers) {
            call(handler, "update", object, h -> h.onUpdate(old, object));
        }
    }

    private void notifyDelete(T object) {
        for (EventHandler<T> handler : handlers) {
            call(handler, "delete", object, h -> h.onDelete(object));
        }
    }

    private void call(EventHandler<T> handler, String what, T object, Consumer<EventHandler<T>> call) {
        try {
            call.accept(handler);
        } catch (RuntimeException e) {
            log.warn("Handler failed on {} of {} {}", what, kind, key(object), e);
        }
    }

    private ObjectKey key(T object) {
        return ObjectKey.of(kind.metadata(object));
    }

    private String resourceVersion(T object) {
        return kind.metadata(object).getResourceVersion();
    }

    private static void cancel(Scheduler.@Nullable Cancellable task) {
        if (task != null) {
            task.cancel();
        }
    }
}
