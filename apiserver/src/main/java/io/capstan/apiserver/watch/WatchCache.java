package io.capstan.apiserver.watch;

import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.KvStoreException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage.ListPage;
import io.capstan.apiserver.storage.StoreUnavailableException;
import io.capstan.apiserver.storage.WatchListener;
import io.capstan.apiserver.watch.CacheState.Change;
import io.capstan.apiserver.watch.FreshnessWaiters.Waiter;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.mvcc.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects of one kind and their recent changes, kept in memory from one store watch and served
 * to any number of watchers, as kube-apiserver's cacher.
 *
 * <p><b>How it stays current.</b> It lists the kind's key prefix at revision R, then watches the
 * prefix from R+1, applying each change to its map of current objects and appending it to a window
 * of the last {@code windowCapacity} changes. Its {@link #revision()} is the revision it is
 * <em>fresh up to</em>: every change at or below it has been applied. Changes of other kinds move
 * the store's revision without events here, so the cache also takes the store's progress
 * notifications: when a request needs a revision the cache has not reached, it asks the store for
 * progress (every {@code progressRequestInterval} while anyone waits) and the request waits, at
 * most {@code freshnessTimeout}, rather than starting early and missing the changes in between.
 *
 * <p><b>Watchers</b> ({@link #watch}) get, with no gap and no repeat, every change after their
 * resourceVersion: first those still in the window, then live ones. A resourceVersion older than
 * the window gets one ERROR event with code 11 (OUT_OF_RANGE), as the API promises, and the client
 * relists. A change is shown to each watcher through its filter, so an object that starts matching
 * arrives as ADDED and one that stops matching as DELETED; a deletion carries the object's last
 * state with the deletion's revision as resourceVersion. Watchers that allow bookmarks get one every
 * {@code bookmarkInterval} with the cache's revision. Each watcher sends on the shared sender
 * executor through its own bounded buffer; see {@link CacheWatcher} for what happens to a slow one.
 *
 * <p><b>When the store watch fails</b> the cache watches again from its revision plus one after a
 * back-off, and its watchers notice nothing. If that revision has been compacted, it relists: its
 * state jumps to the new list, and since the watchers it had cannot be told what changed in
 * between, each gets the OUT_OF_RANGE ERROR event and relists too.
 *
 * <p><b>Reads.</b> {@link #list} and {@link #get} serve the cache's current state, which may trail
 * the store slightly: what {@code resource_version "0"} asks for.
 *
 * <p><b>Threads.</b> Thread-safe. Store callbacks, registrations and reads take one lock briefly;
 * nothing waits on a watcher's client while holding it. Lock order: this cache's lock before any
 * watcher's.
 *
 * <p><b>Parts.</b> This class holds the cache's lifecycle and lock; its parts take no lock of their
 * own. Under the lock it keeps {@link CacheState} (the objects and the window) and {@link
 * FreshnessWaiters} (the waiting requests, completed after the lock is released). {@link
 * KindListWatch} makes the store calls and decodes their answers, outside the lock; {@link
 * CacheTimers} runs the timers.
 */
public final class WatchCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchCache.class);

    private final ObjectKind kind;
    private final KindCodec codec;
    private final KindListWatch listWatch;
    private final WatchCacheConfig config;
    private final CacheTimers timers;
    private final Executor senders;

    private final Object mu = new Object();
    // guarded by mu: the objects at `revision` and the window of the last changes
    private final CacheState state;
    // guarded by mu: registered watchers, which live changes are offered to
    private final Set<CacheWatcher> watchers = new LinkedHashSet<>();
    // guarded by mu: requests waiting for the cache to be ready and fresh enough
    private final FreshnessWaiters waiters = new FreshnessWaiters();
    // guarded by mu
    private long revision;
    private boolean synced;
    private boolean ready;
    private boolean started;
    private boolean closed;
    private long generation;
    private int failures;
    private KvStore.@Nullable Watch storeWatch;
    private @Nullable ScheduledFuture<?> progressTask;
    private @Nullable ScheduledFuture<?> bookmarkTask;

    /**
     * @param scheduler runs the cache's timers (bookmarks, waits, retries, progress requests)
     * @param senders runs the watchers' sending; may be shared by many caches
     */
    public WatchCache(
            ObjectKind kind,
            KvStore kv,
            WatchCacheConfig config,
            ScheduledExecutorService scheduler,
            Executor senders) {
        this.kind = kind;
        this.codec = new KindCodec(kind);
        this.listWatch = new KindListWatch(codec, kv);
        this.config = config;
        this.timers = new CacheTimers(scheduler, kind.kindName());
        this.senders = senders;
        this.state = new CacheState(codec, config.windowCapacity());
    }

    /** Lists and starts watching; requests before the first list completes wait for it. Idempotent. */
    public void start() {
        synchronized (mu) {
            if (started || closed) {
                return;
            }
            started = true;
            bookmarkTask = timers.atFixedRate(config.bookmarkInterval(), this::sendBookmarks);
        }
        relist();
    }

    public ObjectKind kind() {
        return kind;
    }

    /** The revision the cache is fresh up to; 0 before the first list. */
    public long revision() {
        synchronized (mu) {
            return revision;
        }
    }

    /** Registered watchers (not those still waiting for the cache to catch up). */
    public int watcherCount() {
        synchronized (mu) {
            return watchers.size();
        }
    }

    /** Changes in the window. */
    public int windowSize() {
        synchronized (mu) {
            return state.windowSize();
        }
    }

    public int objectCount() {
        synchronized (mu) {
            return state.objectCount();
        }
    }

    /** True once the first list has been applied. */
    public boolean hasSynced() {
        synchronized (mu) {
            return synced;
        }
    }

    /**
     * Starts a watcher that sends to {@code sink}. Returns at once; the watcher registers when the
     * cache is ready and has reached {@code options.resourceVersion()}. If that does not happen
     * within {@code freshnessTimeout}, the watcher sends one ERROR event with code 14 (UNAVAILABLE)
     * and ends; the client may retry from the same resourceVersion.
     *
     * @throws IllegalArgumentException if the filter is for another kind
     */
    public CacheWatcher watch(WatchOptions options, WatchSink sink) {
        if (options.filter().kind() != kind) {
            throw new IllegalArgumentException(
                    "kind: watch of " + options.filter().kind().kindName() + " on the cache of " + kind.kindName());
        }
        CacheWatcher watcher = new CacheWatcher(this, options, sink, config.watcherBufferCapacity(), senders);
        awaitThenRegister(watcher);
        return watcher;
    }

    /**
     * The objects that match {@code filter}, in key order, at the cache's revision (the page's
     * resourceVersion). Never paged: like kube-apiserver for resourceVersion "0", the cache ignores
     * a limit. Waits for the first list at most {@code freshnessTimeout}, then fails with {@link
     * StoreUnavailableException}.
     */
    public CompletableFuture<ListPage> list(ObjectFilter filter) {
        if (filter.kind() != kind) {
            throw new IllegalArgumentException(
                    "kind: list of " + filter.kind().kindName() + " on the cache of " + kind.kindName());
        }
        return awaitFresh(0, false).thenApply(ignored -> {
            List<CachedObject> candidates;
            long at;
            synchronized (mu) {
                candidates =
                        new ArrayList<>(state.inNamespace(filter.namespace()).values());
                at = revision;
            }
            List<TypedObject> items = new ArrayList<>();
            for (CachedObject candidate : candidates) {
                if (filter.matches(candidate)) {
                    items.add(candidate.object());
                }
            }
            return new ListPage(items, Long.toString(at), Optional.empty());
        });
    }

    /**
     * The object as the cache has it, or empty. Waits for the first list as {@link #list} does.
     *
     * @throws IllegalArgumentException if the namespace does not suit the kind or the name is empty
     */
    public CompletableFuture<Optional<TypedObject>> get(String namespace, String name) {
        String key = codec.key(namespace, name);
        return awaitFresh(0, false).thenApply(ignored -> {
            synchronized (mu) {
                return Optional.ofNullable(state.get(key)).map(CachedObject::object);
            }
        });
    }

    /**
     * Stops the store watch; every watcher's stream ends without an ERROR event (the client
     * resumes elsewhere from its last resourceVersion) and waiting requests fail with {@link
     * StoreUnavailableException}. Idempotent.
     */
    @Override
    public void close() {
        List<CacheWatcher> ended;
        List<Waiter> failed;
        KvStore.Watch watch;
        synchronized (mu) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            ended = new ArrayList<>(watchers);
            watchers.clear();
            failed = waiters.takeAll();
            watch = storeWatch;
            storeWatch = null;
            CacheTimers.cancel(progressTask);
            CacheTimers.cancel(bookmarkTask);
        }
        if (watch != null) {
            watch.close();
        }
        for (CacheWatcher watcher : ended) {
            watcher.end(null);
        }
        for (Waiter waiter : failed) {
            waiter.cancelTimeout();
            waiter.future.completeExceptionally(
                    new StoreUnavailableException("the watch cache of " + kind.kindName() + " is closed", null));
        }
    }

    void unregister(CacheWatcher watcher) {
        synchronized (mu) {
            watchers.remove(watcher);
        }
    }

    // ---- watchers

    private void awaitThenRegister(CacheWatcher watcher) {
        CompletableFuture<Void> unused = awaitFresh(watcher.options().resourceVersion(), true)
                .whenComplete((ignored, error) -> {
                    if (error == null) {
                        register(watcher);
                    } else {
                        watcher.end(CacheWatcher.error(CacheWatcher.UNAVAILABLE, message(error)));
                    }
                });
    }

    private void register(CacheWatcher watcher) {
        WatchOptions options = watcher.options();
        WatchEvent refusal = null;
        boolean waitAgain = false;
        synchronized (mu) {
            if (watcher.isClosed()) {
                return;
            } else if (closed) {
                refusal = CacheWatcher.error(
                        CacheWatcher.UNAVAILABLE, "the watch cache of " + kind.kindName() + " is closed");
            } else if (!ready) {
                // a relist began after the wait ended: wait again, for the relisted state (below)
                waitAgain = true;
            } else if (options.sendInitialEvents()) {
                List<CacheEvent> initial = state.initialEvents(options.filter().namespace(), revision);
                WatchEvent end =
                        bookmark(revision).toBuilder().setInitialEventsEnd(true).build();
                watcher.startWith(initial, end);
                watchers.add(watcher);
                return;
            } else if (options.resourceVersion() == 0) {
                watchers.add(watcher);
                return;
            } else if (options.resourceVersion() < state.windowStart()) {
                refusal = CacheWatcher.error(
                        CacheWatcher.OUT_OF_RANGE,
                        "resourceVersion " + options.resourceVersion() + " is too old: the watch cache of "
                                + kind.kindName() + " holds changes after " + state.windowStart()
                                + "; list again");
            } else {
                watcher.startWith(state.changesAfter(options.resourceVersion()), null);
                watchers.add(watcher);
                return;
            }
        }
        if (waitAgain) {
            awaitThenRegister(watcher);
        } else if (refusal != null) {
            watcher.end(refusal);
        }
    }

    private WatchEvent bookmark(long at) {
        return WatchEvent.newBuilder()
                .setType(WatchEvent.Type.TYPE_BOOKMARK)
                .setObject(codec.bookmark(at))
                .build();
    }

    /** Offers every bookmark-taking watcher a bookmark, and asks the store for progress so that the next is fresher. */
    private void sendBookmarks() {
        KvStore.Watch watch;
        synchronized (mu) {
            if (!ready || watchers.isEmpty()) {
                return;
            }
            WatchEvent bookmark = bookmark(revision);
            for (CacheWatcher watcher : watchers) {
                watcher.offerBookmark(bookmark);
            }
            watch = storeWatch;
        }
        if (watch != null) {
            watch.requestProgress();
        }
    }

    // ---- freshness: waiting, expiry and progress requests read the lifecycle state under mu, so they
    // stay here; FreshnessWaiters keeps the waiters themselves

    /**
     * Completes when the cache is synced (listed once) or, with {@code needsWatch}, ready for
     * watchers, and fresh up to {@code atLeast}; fails with {@link StoreUnavailableException} after
     * {@code freshnessTimeout}.
     */
    private CompletableFuture<Void> awaitFresh(long atLeast, boolean needsWatch) {
        Waiter waiter = new Waiter(atLeast, needsWatch);
        boolean askProgress;
        synchronized (mu) {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new StoreUnavailableException("the watch cache of " + kind.kindName() + " is closed", null));
            }
            if (waiter.isDue(synced, ready, revision)) {
                return CompletableFuture.completedFuture(null);
            }
            waiters.add(waiter);
            askProgress = ready && atLeast > revision;
            try {
                waiter.timeout = timers.after(config.freshnessTimeout(), () -> expire(waiter));
            } catch (RejectedExecutionException e) {
                waiters.remove(waiter);
                return CompletableFuture.failedFuture(
                        new StoreUnavailableException("the watch cache of " + kind.kindName() + " is closed", e));
            }
        }
        if (askProgress) {
            startProgressRequests();
        }
        return waiter.future;
    }

    private void expire(Waiter waiter) {
        long at;
        synchronized (mu) {
            if (!waiters.remove(waiter)) {
                return;
            }
            at = revision;
        }
        String what = waiter.revision > at
                ? "has not reached resourceVersion " + waiter.revision + " (it is at " + at + ")"
                : "is not ready";
        waiter.future.completeExceptionally(new StoreUnavailableException(
                "the watch cache of " + kind.kindName() + " " + what + " after "
                        + config.freshnessTimeout().toMillis() + " ms; try again",
                null));
    }

    private void startProgressRequests() {
        synchronized (mu) {
            if (progressTask != null || closed) {
                return;
            }
            try {
                progressTask = timers.withFixedDelay(config.progressRequestInterval(), this::requestProgress);
            } catch (RejectedExecutionException e) {
                log.debug("Scheduler closed; no progress requests", e);
            }
        }
    }

    /** Asks the store for progress while some waiter needs a newer revision; stops itself otherwise. */
    private void requestProgress() {
        KvStore.Watch watch;
        synchronized (mu) {
            if (!waiters.anyBehind(revision) || closed) {
                CacheTimers.cancel(progressTask);
                progressTask = null;
                return;
            }
            watch = storeWatch;
        }
        if (watch != null) {
            watch.requestProgress();
        }
    }

    // ---- the store side: each answer is checked against `generation` and applied in one hold of mu,
    // so this stays here; KindListWatch makes the calls and decodes

    private void relist() {
        long listGeneration;
        KvStore.Watch previous;
        synchronized (mu) {
            if (closed) {
                return;
            }
            listGeneration = ++generation;
            ready = false;
            previous = storeWatch;
            storeWatch = null;
        }
        if (previous != null) {
            previous.close();
        }
        CompletableFuture<Void> unused = listWatch.list().handle((response, error) -> {
            if (error != null) {
                onListFailed(listGeneration, error);
                return null;
            }
            try {
                onListed(listGeneration, response);
            } catch (RuntimeException e) {
                // a list that cannot be applied is retried like one that failed
                log.error("Watch cache could not apply its list kind={}", kind.kindName(), e);
                onListFailed(listGeneration, e);
            }
            return null;
        });
    }

    private void onListed(long listGeneration, RangeResponse response) {
        List<CachedObject> listed = listWatch.objects(response);
        long listRevision = response.getHeader().getRevision();
        List<CacheWatcher> evicted;
        List<Waiter> due;
        synchronized (mu) {
            if (closed || listGeneration != generation) {
                return;
            }
            state.reset(listed, listRevision);
            revision = Math.max(revision, listRevision);
            evicted = new ArrayList<>(watchers);
            watchers.clear();
            synced = true;
            ready = true;
            failures = 0;
            due = waiters.takeDue(synced, ready, revision);
        }
        log.info(
                "Watch cache listed kind={} objects={} revision={} endedWatchers={}",
                kind.kindName(),
                listed.size(),
                listRevision,
                evicted.size());
        openWatch(listGeneration, listRevision + 1);
        for (CacheWatcher watcher : evicted) {
            watcher.end(CacheWatcher.error(
                    CacheWatcher.OUT_OF_RANGE,
                    "the watch cache of " + kind.kindName() + " relisted at revision " + listRevision
                            + " after losing its store watch; list again"));
        }
        FreshnessWaiters.complete(due);
    }

    private void onListFailed(long listGeneration, Throwable error) {
        int failed;
        synchronized (mu) {
            if (closed || listGeneration != generation) {
                return;
            }
            failed = ++failures;
        }
        Duration delay = config.retryDelay(failed);
        log.warn("Watch cache list failed kind={} retryIn={}: {}", kind.kindName(), delay, message(error));
        retryLater(this::relist, delay);
    }

    /** Watches the prefix from {@code fromRevision} for the current generation. */
    private void openWatch(long watchGeneration, long fromRevision) {
        KvStore.Watch watch = listWatch.watch(fromRevision, new StoreListener(watchGeneration));
        boolean stale;
        boolean behind = false;
        synchronized (mu) {
            stale = closed || watchGeneration != generation;
            if (!stale) {
                storeWatch = watch;
                behind = waiters.anyBehind(revision);
            }
        }
        if (stale) {
            watch.close();
        } else if (behind) {
            startProgressRequests();
        }
    }

    /** Resumes after a failed store watch, from the revision the cache is fresh up to. */
    private void resume() {
        long watchGeneration;
        long from;
        synchronized (mu) {
            if (closed) {
                return;
            }
            watchGeneration = ++generation;
            from = revision + 1;
        }
        openWatch(watchGeneration, from);
    }

    private void onWatchEnded(long watchGeneration, boolean compacted, String reason) {
        int failed;
        long at;
        synchronized (mu) {
            if (closed || watchGeneration != generation) {
                return;
            }
            generation++; // later callbacks of the ended watch are ignored
            storeWatch = null;
            failed = ++failures;
            at = revision;
        }
        if (compacted) {
            // the first relist goes at once: the window cannot be resumed, and waiting helps nobody
            Duration delay = failed <= 1 ? Duration.ZERO : config.retryDelay(failed - 1);
            log.warn(
                    "Watch cache store watch compacted kind={} revision={} ({}); relisting in {}",
                    kind.kindName(),
                    at,
                    reason,
                    delay);
            retryLater(this::relist, delay);
        } else {
            Duration delay = config.retryDelay(failed);
            log.warn(
                    "Watch cache store watch failed kind={} revision={} ({}); resuming in {}",
                    kind.kindName(),
                    at,
                    reason,
                    delay);
            retryLater(this::resume, delay);
        }
    }

    private void applyChanges(long watchGeneration, List<Change> changes) {
        List<Waiter> due;
        synchronized (mu) {
            if (closed || watchGeneration != generation) {
                return;
            }
            failures = 0;
            for (Change change : changes) {
                if (change.revision() < revision) {
                    log.error(
                            "Watch cache got a change below its revision kind={} key={} revision={} cacheRevision={}",
                            kind.kindName(),
                            change.key(),
                            change.revision(),
                            revision);
                    continue;
                }
                revision = change.revision();
                CacheEvent applied = state.apply(change);
                if (applied == null) {
                    continue;
                }
                for (Iterator<CacheWatcher> it = watchers.iterator(); it.hasNext(); ) {
                    if (!it.next().offer(applied)) {
                        it.remove();
                    }
                }
            }
            due = waiters.takeDue(synced, ready, revision);
        }
        FreshnessWaiters.complete(due);
    }

    private void applyProgress(long watchGeneration, long progressRevision) {
        List<Waiter> due;
        synchronized (mu) {
            if (closed || watchGeneration != generation || progressRevision <= revision) {
                return;
            }
            failures = 0;
            revision = progressRevision;
            due = waiters.takeDue(synced, ready, revision);
        }
        FreshnessWaiters.complete(due);
    }

    private final class StoreListener implements WatchListener {
        private final long watchGeneration;

        StoreListener(long watchGeneration) {
            this.watchGeneration = watchGeneration;
        }

        @Override
        public void onEvents(long storeRevision, List<Event> events) {
            applyChanges(watchGeneration, listWatch.changes(events));
        }

        @Override
        public void onProgress(long progressRevision) {
            applyProgress(watchGeneration, progressRevision);
        }

        @Override
        public void onCompacted(long compactRevision) {
            onWatchEnded(watchGeneration, true, "compacted up to " + compactRevision);
        }

        @Override
        public void onError(KvStoreException error) {
            onWatchEnded(watchGeneration, false, message(error));
        }
    }

    // ---- plumbing

    private void retryLater(Runnable task, Duration delay) {
        try {
            ScheduledFuture<?> unused = timers.after(delay, task);
        } catch (RejectedExecutionException e) {
            if (!isClosed()) {
                log.error("Watch cache cannot schedule a retry kind={}", kind.kindName(), e);
            }
        }
    }

    private boolean isClosed() {
        synchronized (mu) {
            return closed;
        }
    }

    private static String message(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message != null ? message : cause.toString();
    }
}
