package io.capstan.apiserver.watch;

import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.KvStoreException;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage.ListPage;
import io.capstan.apiserver.storage.StoreUnavailableException;
import io.capstan.apiserver.storage.WatchListener;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 */
public final class WatchCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchCache.class);

    private final ObjectKind kind;
    private final KindCodec codec;
    private final KvStore kv;
    private final WatchCacheConfig config;
    private final ScheduledExecutorService scheduler;
    private final Executor senders;

    private final Object mu = new Object();
    // guarded by mu: the state at `revision`
    private final TreeMap<String, CachedObject> objects = new TreeMap<>();
    // guarded by mu: the last changes in revision order; every change after windowStart is here
    private final ArrayDeque<CacheEvent> window = new ArrayDeque<>();
    // guarded by mu: registered watchers, which live changes are offered to
    private final Set<CacheWatcher> watchers = new LinkedHashSet<>();
    // guarded by mu: requests waiting for the cache to be ready and fresh enough
    private final List<Waiter> waiters = new ArrayList<>();
    // guarded by mu
    private long revision;
    private long windowStart;
    private boolean synced;
    private boolean ready;
    private boolean started;
    private boolean closed;
    private long generation;
    private int failures;
    private KvStore.@Nullable Watch storeWatch;
    private @Nullable ScheduledFuture<?> progressTask;
    private @Nullable ScheduledFuture<?> bookmarkTask;

    /** A request waiting for the cache; {@code needsWatch}: ready for watchers, not just listed. */
    private static final class Waiter {
        final long revision;
        final boolean needsWatch;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        @Nullable
        ScheduledFuture<?> timeout;

        Waiter(long revision, boolean needsWatch) {
            this.revision = revision;
            this.needsWatch = needsWatch;
        }
    }

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
        this.kv = kv;
        this.config = config;
        this.scheduler = scheduler;
        this.senders = senders;
    }

    /** Lists and starts watching; requests before the first list completes wait for it. Idempotent. */
    public void start() {
        synchronized (mu) {
            if (started || closed) {
                return;
            }
            started = true;
            long interval = config.bookmarkInterval().toNanos();
            bookmarkTask = scheduler.scheduleAtFixedRate(
                    guarded(this::sendBookmarks), interval, interval, TimeUnit.NANOSECONDS);
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
            return window.size();
        }
    }

    public int objectCount() {
        synchronized (mu) {
            return objects.size();
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
                candidates = new ArrayList<>(inNamespace(filter.namespace()).values());
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
                return Optional.ofNullable(objects.get(key)).map(CachedObject::object);
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
            failed = new ArrayList<>(waiters);
            waiters.clear();
            watch = storeWatch;
            storeWatch = null;
            cancel(progressTask);
            cancel(bookmarkTask);
        }
        if (watch != null) {
            watch.close();
        }
        for (CacheWatcher watcher : ended) {
            watcher.end(null);
        }
        for (Waiter waiter : failed) {
            cancel(waiter.timeout);
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
                List<CacheEvent> initial = new ArrayList<>();
                for (CachedObject object :
                        inNamespace(options.filter().namespace()).values()) {
                    initial.add(CacheEvent.initial(revision, object));
                }
                WatchEvent end =
                        bookmark(revision).toBuilder().setInitialEventsEnd(true).build();
                watcher.startWith(initial, end);
                watchers.add(watcher);
                return;
            } else if (options.resourceVersion() == 0) {
                watchers.add(watcher);
                return;
            } else if (options.resourceVersion() < windowStart) {
                refusal = CacheWatcher.error(
                        CacheWatcher.OUT_OF_RANGE,
                        "resourceVersion " + options.resourceVersion() + " is too old: the watch cache of "
                                + kind.kindName() + " holds changes after " + windowStart + "; list again");
            } else {
                watcher.startWith(changesAfter(options.resourceVersion()), null);
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

    private List<CacheEvent> changesAfter(long resourceVersion) {
        List<CacheEvent> changes = new ArrayList<>();
        for (Iterator<CacheEvent> it = window.descendingIterator(); it.hasNext(); ) {
            CacheEvent change = it.next();
            if (change.revision() <= resourceVersion) {
                break;
            }
            changes.add(change);
        }
        Collections.reverse(changes);
        return changes;
    }

    private SortedMap<String, CachedObject> inNamespace(String namespace) {
        if (namespace.isEmpty()) {
            return objects;
        }
        String prefix = codec.prefix(namespace);
        // every namespace prefix ends in '/', and '0' is the character after it
        return objects.subMap(prefix, prefix.substring(0, prefix.length() - 1) + '0');
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

    // ---- freshness

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
            if (isDue(waiter)) {
                return CompletableFuture.completedFuture(null);
            }
            waiters.add(waiter);
            askProgress = ready && atLeast > revision;
            try {
                waiter.timeout = scheduler.schedule(
                        guarded(() -> expire(waiter)), config.freshnessTimeout().toNanos(), TimeUnit.NANOSECONDS);
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

    private boolean isDue(Waiter waiter) {
        return (waiter.needsWatch ? ready : synced) && revision >= waiter.revision;
    }

    /** Removes the waiters the cache now satisfies; the caller completes them outside the lock. */
    private List<Waiter> takeDueWaiters() {
        if (waiters.isEmpty()) {
            return List.of();
        }
        List<Waiter> due = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (isDue(waiter)) {
                it.remove();
                due.add(waiter);
            }
        }
        return due;
    }

    private static void complete(List<Waiter> due) {
        for (Waiter waiter : due) {
            cancel(waiter.timeout);
            waiter.future.complete(null);
        }
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
            long interval = config.progressRequestInterval().toNanos();
            try {
                progressTask = scheduler.scheduleWithFixedDelay(
                        guarded(this::requestProgress), 0, interval, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("Scheduler closed; no progress requests", e);
            }
        }
    }

    /** Asks the store for progress while some waiter needs a newer revision; stops itself otherwise. */
    private void requestProgress() {
        KvStore.Watch watch;
        synchronized (mu) {
            boolean behind = false;
            for (Waiter waiter : waiters) {
                behind |= waiter.revision > revision;
            }
            if (!behind || closed) {
                cancel(progressTask);
                progressTask = null;
                return;
            }
            watch = storeWatch;
        }
        if (watch != null) {
            watch.requestProgress();
        }
    }

    // ---- the store side

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
        String prefix = codec.prefix();
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(KindCodec.utf8(prefix))
                .setRangeEnd(KindCodec.prefixEnd(prefix))
                .build();
        CompletableFuture<Void> unused = kv.range(request).handle((response, error) -> {
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
        List<CachedObject> listed = new ArrayList<>(response.getKvsCount());
        for (KeyValue kv : response.getKvsList()) {
            CachedObject object = decode(kv);
            if (object != null) {
                listed.add(object);
            }
        }
        long listRevision = response.getHeader().getRevision();
        List<CacheWatcher> evicted;
        List<Waiter> due;
        synchronized (mu) {
            if (closed || listGeneration != generation) {
                return;
            }
            objects.clear();
            for (CachedObject object : listed) {
                objects.put(object.key(), object);
            }
            window.clear();
            windowStart = listRevision;
            revision = Math.max(revision, listRevision);
            evicted = new ArrayList<>(watchers);
            watchers.clear();
            synced = true;
            ready = true;
            failures = 0;
            due = takeDueWaiters();
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
        complete(due);
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
        String prefix = codec.prefix();
        WatchCreateRequest request = WatchCreateRequest.newBuilder()
                .setKey(KindCodec.utf8(prefix))
                .setRangeEnd(KindCodec.prefixEnd(prefix))
                .setStartRevision(fromRevision)
                .setProgressNotify(true)
                .build();
        KvStore.Watch watch = kv.watch(request, new StoreListener(watchGeneration));
        boolean stale;
        boolean behind = false;
        synchronized (mu) {
            stale = closed || watchGeneration != generation;
            if (!stale) {
                storeWatch = watch;
                for (Waiter waiter : waiters) {
                    behind |= waiter.revision > revision;
                }
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

    private void applyEvents(long watchGeneration, List<Event> events) {
        List<Change> changes = new ArrayList<>(events.size());
        for (Event event : events) {
            KeyValue kv = event.getKv();
            boolean delete = event.getType() == Event.EventType.DELETE;
            CachedObject object = delete ? null : decode(kv);
            changes.add(new Change(kv.getKey().toStringUtf8(), kv.getModRevision(), delete, object));
        }
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
                CacheEvent applied = apply(change);
                if (applied == null) {
                    continue;
                }
                window.addLast(applied);
                if (window.size() > config.windowCapacity()) {
                    windowStart = Math.max(windowStart, window.removeFirst().revision());
                }
                for (Iterator<CacheWatcher> it = watchers.iterator(); it.hasNext(); ) {
                    if (!it.next().offer(applied)) {
                        it.remove();
                    }
                }
            }
            due = takeDueWaiters();
        }
        complete(due);
    }

    /** One decoded store event; {@code object} is null for a delete or a value that did not decode. */
    private record Change(
            String key,
            long revision,
            boolean delete,
            @Nullable CachedObject object) {}

    /** Applies {@code change} to the map (under mu); the cache event, or null if nothing changed. */
    private @Nullable CacheEvent apply(Change change) {
        if (change.delete()) {
            CachedObject previous = objects.remove(change.key());
            if (previous == null) {
                return null; // a key we never had (its value did not decode)
            }
            return CacheEvent.deleted(
                    change.revision(), codec.withResourceVersion(previous, change.revision()), previous);
        }
        CachedObject object = change.object();
        if (object == null) {
            return null;
        }
        return CacheEvent.written(change.revision(), object, objects.put(change.key(), object));
    }

    private void applyProgress(long watchGeneration, long progressRevision) {
        List<Waiter> due;
        synchronized (mu) {
            if (closed || watchGeneration != generation || progressRevision <= revision) {
                return;
            }
            failures = 0;
            revision = progressRevision;
            due = takeDueWaiters();
        }
        complete(due);
    }

    private @Nullable CachedObject decode(KeyValue kv) {
        try {
            return codec.decode(kv.getKey().toStringUtf8(), kv.getValue(), kv.getModRevision());
        } catch (KvStoreException e) {
            // nothing a retry fixes; the object stays invisible until it is written again
            log.error("Watch cache skips an undecodable value kind={}", kind.kindName(), e);
            return null;
        }
    }

    private final class StoreListener implements WatchListener {
        private final long watchGeneration;

        StoreListener(long watchGeneration) {
            this.watchGeneration = watchGeneration;
        }

        @Override
        public void onEvents(long storeRevision, List<Event> events) {
            applyEvents(watchGeneration, events);
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
            ScheduledFuture<?> unused = scheduler.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
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

    /** A failing timer task must not cancel its later runs, which a scheduled executor would do silently. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Watch cache task failed kind={}", kind.kindName(), e);
            }
        };
    }

    private static void cancel(@Nullable ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
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
