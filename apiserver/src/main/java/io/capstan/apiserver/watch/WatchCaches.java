package io.capstan.apiserver.watch;

import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.ObjectKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link WatchCache} per kind over one store, created and started on first use ({@link
 * #cache}) or all at once ({@link #startAll}), and closed together. Owns the threads they share: one
 * timer thread and {@code senderThreads} threads that send to watchers.
 *
 * <p>Thread-safe.
 */
public final class WatchCaches implements AutoCloseable {
    private final KvStore kv;
    private final WatchCacheConfig config;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService senders;
    // guarded by this
    private final Map<ObjectKind, WatchCache> caches = new EnumMap<>(ObjectKind.class);
    private boolean closed;

    public WatchCaches(KvStore kv, WatchCacheConfig config) {
        this.kv = kv;
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("watchcache-timer"));
        this.senders = Executors.newFixedThreadPool(config.senderThreads(), daemonThreads("watchcache-send"));
    }

    /**
     * The cache of {@code kind}, started if it is new.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public WatchCache cache(ObjectKind kind) {
        WatchCache cache;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("watch caches are closed");
            }
            cache = caches.get(kind);
            if (cache != null) {
                return cache;
            }
            cache = new WatchCache(kind, kv, config, scheduler, senders);
            caches.put(kind, cache);
        }
        cache.start();
        return cache;
    }

    /** Starts the cache of every kind. */
    public void startAll() {
        for (ObjectKind kind : ObjectKind.values()) {
            cache(kind);
        }
    }

    /** The caches created so far, for metrics. */
    public synchronized Map<ObjectKind, WatchCache> caches() {
        return Map.copyOf(caches);
    }

    /** Closes every cache (their watchers' streams end) and stops the shared threads. Idempotent. */
    @Override
    public void close() {
        Map<ObjectKind, WatchCache> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = Map.copyOf(caches);
        }
        for (WatchCache cache : toClose.values()) {
            cache.close();
        }
        scheduler.shutdownNow();
        // the watchers' last sends (stream ends) are queued; let them run, but start nothing new
        senders.shutdown();
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
