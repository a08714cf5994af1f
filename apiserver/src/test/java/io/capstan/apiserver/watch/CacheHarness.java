package io.capstan.apiserver.watch;

import static java.time.Duration.ofSeconds;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A fake store, the threads a cache needs, and the caches a test started over them; closes them all. */
final class CacheHarness implements AutoCloseable {
    final FakeKvStore store = new FakeKvStore();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final ExecutorService senders = Executors.newFixedThreadPool(2);
    private final List<WatchCache> caches = new ArrayList<>();

    /** A started pod cache over the fake store, synced. */
    WatchCache podCache(WatchCacheConfig config) {
        WatchCache cache = new WatchCache(ObjectKind.POD, store, config, scheduler, senders);
        caches.add(cache);
        cache.start();
        await().atMost(ofSeconds(10)).until(cache::hasSynced);
        return cache;
    }

    WatchCache podCache() {
        return podCache(WatchCacheConfig.defaults());
    }

    /** Starts a watcher recording into a new sink. */
    static RecordingSink watch(WatchCache cache, WatchOptions options) {
        RecordingSink sink = new RecordingSink();
        cache.watch(options, sink);
        return sink;
    }

    @Override
    public void close() throws InterruptedException {
        for (WatchCache cache : caches) {
            cache.close();
        }
        scheduler.shutdownNow();
        senders.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
        senders.awaitTermination(10, TimeUnit.SECONDS);
    }
}
