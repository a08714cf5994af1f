package io.capstan.store.watch;

import io.capstan.proto.etcd.mvcc.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the store's change events to watchers, as etcd's {@code watchableStore}: synced watchers get live events,
 * unsynced ones (starting in the past) are caught up from {@link History} in bounded chunks, and victims (watchers
 * whose sink refused a batch) are retried later from history. No watcher ever sees a revision skipped or repeated.
 *
 * <p>All watcher state lives on one hub thread named {@code store-<peerId>-watch}; public methods only enqueue work
 * for it and never block, except {@link #close()}.
 *
 * <p>Thread-safety: every public method may be called from any thread. {@link #notify} must be called by one thread
 * (the apply thread), in increasing revision order, after the write is visible through {@link History}.
 */
public final class WatchHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchHub.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final String peerId;
    private final History history;
    private final WatchHubConfig config;
    private final ScheduledThreadPoolExecutor executor;

    private volatile boolean closed;
    private volatile WatcherCounts counts = WatcherCounts.NONE;

    // Hub-thread state below. Invariant: a synced watcher has been offered every matching event up to
    // processedRevision, and its nextRevision is above any revision it still must not see.
    private long processedRevision;
    private final WatcherGroup synced = new WatcherGroup();
    private final Set<Watcher> unsynced = new LinkedHashSet<>();
    private final Set<Watcher> victims = new LinkedHashSet<>();
    private final Set<WatchStream> progressRequested = new LinkedHashSet<>();
    private boolean syncScheduled;

    /**
     * Starts the hub thread. {@code history.currentRevision()} is read once here as the revision the hub has already
     * seen; writes after it must be passed to {@link #notify}.
     */
    public WatchHub(String peerId, History history, WatchHubConfig config) {
        this.peerId = peerId;
        this.history = history;
        this.config = config;
        this.processedRevision = history.currentRevision();
        String threadName = "store-" + peerId + "-watch";
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        long retryNanos = config.victimRetryInterval().toNanos();
        executor.scheduleWithFixedDelay(guarded(this::retryAllVictims), retryNanos, retryNanos, TimeUnit.NANOSECONDS);
        Duration progress = config.progressInterval();
        if (!progress.isZero() && !progress.isNegative()) {
            long progressNanos = progress.toNanos();
            executor.scheduleAtFixedRate(
                    guarded(this::sendPeriodicProgress), progressNanos, progressNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Hands the events of one applied write to the hub. Cheap and non-blocking: it copies the list reference and
     * enqueues. Must be called after the write is readable from {@link History}, in increasing revision order, from
     * one thread. Events carry {@code kv} and {@code prev_kv}; a revision at or below one already processed is
     * ignored. After {@link #close()} this does nothing.
     */
    public void notify(long revision, List<Event> events) {
        if (closed) {
            return;
        }
        List<Event> copy = List.copyOf(events);
        submit(() -> deliverLive(revision, copy));
    }

    /**
     * Tells the hub that the state under {@link History} was replaced wholesale (a snapshot was restored) and now
     * stands at {@code revision}: the revisions it jumped over were never passed to {@link #notify}. Every synced
     * watcher becomes unsynced and catches up from history, so none skips them; a watcher whose next revision the
     * restored state has compacted away gets the compacted error. Must be called on the thread that calls
     * {@link #notify}, after the restored state is readable and before the next notification. Non-blocking.
     */
    public void resync(long revision) {
        submit(() -> {
            processedRevision = revision;
            for (Watcher watcher : synced.all()) {
                synced.remove(watcher);
                toUnsynced(watcher);
            }
        });
    }

    /**
     * Opens a stream whose watchers all report to {@code sink}; see {@link WatchSink} for the contract.
     *
     * @throws IllegalStateException if the hub is closed
     */
    public WatchStream openStream(WatchSink sink) {
        if (closed) {
            throw new IllegalStateException(peerId + ": watch hub is closed");
        }
        return new WatchStream(this, sink);
    }

    /** The watcher counts as of the last task the hub thread finished; cheap, for metrics and tests. */
    public WatcherCounts counts() {
        return counts;
    }

    /**
     * Stops the hub thread and waits up to ten seconds for it to end. Queued notifications are discarded and no
     * sink is called after this returns. Idempotent.
     *
     * @throws IllegalStateException if the thread did not stop in time (a sink blocked, breaking its contract)
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(peerId + ": watch hub thread did not stop within " + CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long firstRevision(long startRevision) {
        return startRevision > 0 ? startRevision : history.currentRevision() + 1;
    }

    void register(Watcher watcher) {
        boolean submitted = submit(() -> {
            if (watcher.isCancelled()) {
                return;
            }
            if (watcher.nextRevision > processedRevision) {
                watcher.state = Watcher.State.SYNCED;
                synced.add(watcher);
            } else {
                watcher.state = Watcher.State.UNSYNCED;
                unsynced.add(watcher);
                scheduleSync();
            }
        });
        if (!submitted) {
            throw new IllegalStateException(peerId + ": watch hub is closed");
        }
    }

    void unregister(Watcher watcher) {
        submit(() -> remove(watcher));
    }

    void requestProgress(WatchStream stream) {
        submit(() -> progressRequested.add(stream));
    }

    void retryVictims(WatchStream stream) {
        submit(() -> {
            for (Watcher victim : List.copyOf(victims)) {
                if (victim.stream == stream) {
                    retry(victim);
                }
            }
        });
    }

    /**
     * Enqueues work for the hub thread; returns {@code false} if the hub is closed. Only {@link #register} turns that
     * into an error: cancelling, notifying or asking for progress after close has nothing left to do.
     */
    private boolean submit(Runnable task) {
        if (closed) {
            return false;
        }
        try {
            executor.execute(guarded(() -> {
                task.run();
                afterTask();
            }));
            return true;
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e; // the queue is unbounded, so only shutdown rejects
            }
            return false;
        }
    }

    /** A failing task must not end the hub thread's periodic work, which an executor would do silently. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{}: watch hub task failed", peerId, e);
            }
        };
    }

    private void afterTask() {
        answerProgressRequests();
        counts = new WatcherCounts(synced.size(), unsynced.size(), victims.size());
    }

    private void deliverLive(long revision, List<Event> events) {
        if (revision <= processedRevision) {
            return; // by the invariant, every synced watcher has been offered it already or must not see it
        }
        processedRevision = revision;
        Map<Watcher, List<Event>> matched = new LinkedHashMap<>();
        for (Event event : events) {
            synced.forEachMatching(
                    event.getKv().getKey(),
                    w -> matched.computeIfAbsent(w, k -> new ArrayList<>()).add(event));
        }
        for (Map.Entry<Watcher, List<Event>> entry : matched.entrySet()) {
            Watcher watcher = entry.getKey();
            if (watcher.nextRevision > revision) {
                continue; // started later than this revision, or already caught up past it
            }
            List<Event> selected = watcher.select(entry.getValue());
            Outcome outcome = selected.isEmpty()
                    ? Outcome.ACCEPTED
                    : offer(watcher, WatchBatch.events(watcher.id, revision, selected));
            switch (outcome) {
                case ACCEPTED -> {
                    watcher.nextRevision = revision + 1;
                    watcher.hadEvents |= !selected.isEmpty();
                }
                case REFUSED -> {
                    // synced until now, so everything below this revision has been delivered
                    watcher.nextRevision = revision;
                    toVictims(watcher);
                }
                case GONE -> remove(watcher);
            }
        }
    }

    private void scheduleSync() {
        if (!syncScheduled) {
            syncScheduled = true;
            // queued behind pending notifications, so live delivery is never starved by a long catch-up
            submit(this::syncRound);
        }
    }

    private void syncRound() {
        syncScheduled = false;
        for (Watcher watcher : List.copyOf(unsynced)) {
            catchUp(watcher);
        }
        if (!unsynced.isEmpty()) {
            scheduleSync();
        }
    }

    /** One bounded step of bringing an unsynced watcher up to processedRevision. */
    private void catchUp(Watcher watcher) {
        if (watcher.nextRevision > processedRevision) {
            toSynced(watcher);
            return;
        }
        int limit = config.historyChunkEvents();
        List<Event> events;
        try {
            events = history.events(watcher.key, watcher.rangeEnd, watcher.nextRevision, processedRevision, limit);
        } catch (CompactedRevisionException e) {
            // etcd reports the compact revision to the watcher and cancels it
            switch (offer(watcher, WatchBatch.compacted(watcher.id, processedRevision, e.compactRevision()))) {
                case ACCEPTED, GONE -> remove(watcher);
                case REFUSED -> toVictims(watcher);
            }
            return;
        } catch (RuntimeException e) {
            log.warn("{}: reading history for watcher {} failed, will retry", peerId, watcher, e);
            toVictims(watcher);
            return;
        }
        boolean complete = events.size() < limit;
        long through =
                complete || events.isEmpty() ? processedRevision : Watcher.revisionOf(events.get(events.size() - 1));
        List<Event> selected = watcher.select(events);
        Outcome outcome = selected.isEmpty()
                ? Outcome.ACCEPTED
                : offer(
                        watcher,
                        WatchBatch.events(watcher.id, Watcher.revisionOf(selected.get(selected.size() - 1)), selected));
        switch (outcome) {
            case ACCEPTED -> {
                watcher.nextRevision = through + 1;
                watcher.hadEvents |= !selected.isEmpty();
                if (complete) {
                    toSynced(watcher);
                } else {
                    toUnsynced(watcher);
                }
            }
            case REFUSED -> toVictims(watcher);
            case GONE -> remove(watcher);
        }
    }

    private void retryAllVictims() {
        for (Watcher victim : List.copyOf(victims)) {
            retry(victim);
        }
        afterTask();
    }

    /** A victim stays one until a batch is accepted, so the counts do not flicker while its sink stays full. */
    private void retry(Watcher victim) {
        catchUp(victim);
    }

    private void sendPeriodicProgress() {
        for (Watcher watcher : synced.all()) {
            if (watcher.progressNotify && !watcher.hadEvents) {
                // a refused progress notification is dropped; the next tick sends a newer one
                if (offer(watcher, WatchBatch.progress(watcher.id, processedRevision)) == Outcome.GONE) {
                    remove(watcher);
                }
            }
        }
        for (Watcher watcher : synced.all()) {
            watcher.hadEvents = false;
        }
        unsynced.forEach(w -> w.hadEvents = false);
        victims.forEach(w -> w.hadEvents = false);
        afterTask();
    }

    private void answerProgressRequests() {
        if (progressRequested.isEmpty()) {
            return;
        }
        for (WatchStream stream : List.copyOf(progressRequested)) {
            if (stream.isClosed()) {
                progressRequested.remove(stream);
            } else if (stream.watchers().stream().allMatch(w -> w.state == Watcher.State.SYNCED)) {
                try {
                    if (stream.sink().offer(WatchBatch.progress(WatchBatch.ALL_WATCHERS, processedRevision))) {
                        progressRequested.remove(stream);
                    }
                } catch (RuntimeException e) {
                    log.warn("{}: watch sink failed on a progress answer; dropping the request", peerId, e);
                    progressRequested.remove(stream);
                }
            }
        }
    }

    private enum Outcome {
        ACCEPTED,
        REFUSED,
        /** The watcher was cancelled, or its sink threw; it must be removed. */
        GONE
    }

    private Outcome offer(Watcher watcher, WatchBatch batch) {
        synchronized (watcher) {
            if (watcher.isCancelled()) {
                return Outcome.GONE;
            }
            try {
                return watcher.stream.sink().offer(batch) ? Outcome.ACCEPTED : Outcome.REFUSED;
            } catch (RuntimeException e) {
                log.warn("{}: watch sink failed, cancelling watcher {}", peerId, watcher, e);
                watcher.cancel();
                return Outcome.GONE;
            }
        }
    }

    private void toSynced(Watcher watcher) {
        unsynced.remove(watcher);
        victims.remove(watcher);
        watcher.state = Watcher.State.SYNCED;
        synced.add(watcher);
    }

    private void toUnsynced(Watcher watcher) {
        victims.remove(watcher);
        if (unsynced.add(watcher)) {
            watcher.state = Watcher.State.UNSYNCED;
            scheduleSync();
        }
    }

    private void toVictims(Watcher watcher) {
        synced.remove(watcher);
        unsynced.remove(watcher);
        watcher.state = Watcher.State.VICTIM;
        victims.add(watcher);
    }

    private void remove(Watcher watcher) {
        watcher.cancel();
        synced.remove(watcher);
        unsynced.remove(watcher);
        victims.remove(watcher);
        watcher.state = Watcher.State.REMOVED;
        watcher.stream.forget(watcher);
    }
}
