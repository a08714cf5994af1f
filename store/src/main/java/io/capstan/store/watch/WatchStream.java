package io.capstan.store.watch;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The watchers of one client stream (one etcd {@code Watch} RPC), sharing one {@link WatchSink} and one id space.
 * Obtained from {@link WatchHub#openStream}.
 *
 * <p>Thread-safety: all methods may be called from any thread. {@link #watch} takes no lock that the hub holds while
 * calling the sink, so a caller may hold its own send lock across {@code watch} and its "created" reply; that makes
 * "created" precede every batch of the new watcher.
 */
public final class WatchStream implements AutoCloseable {
    private final WatchHub hub;
    private final WatchSink sink;
    private final ConcurrentMap<Long, Watcher> watchers = new ConcurrentHashMap<>();
    private final Object idLock = new Object();

    // guarded by idLock
    private long nextAutoId;
    // guarded by idLock
    private boolean closed;

    WatchStream(WatchHub hub, WatchSink sink) {
        this.hub = hub;
        this.sink = sink;
    }

    /**
     * Creates a watcher and returns its id. Delivery starts asynchronously on the hub thread: from history first if
     * {@code startRevision} is at or below the current revision, then live. If the start revision has been compacted
     * the sink gets a {@link WatchBatch.Kind#COMPACTED} batch and the watcher is cancelled (etcd creates the watcher,
     * then cancels it with the compact revision). A start revision in the future waits for that revision.
     *
     * @throws DuplicateWatchIdException if {@code request.watchId()} is explicit and already used on this stream
     * @throws IllegalArgumentException if {@code request.watchId()} is negative
     * @throws IllegalStateException if the stream or the hub is closed
     */
    public long watch(WatchRequest request) {
        if (request.watchId() < 0) {
            throw new IllegalArgumentException("watchId: must be >= 0, got " + request.watchId());
        }
        Watcher watcher;
        synchronized (idLock) {
            if (closed) {
                throw new IllegalStateException("watch stream is closed");
            }
            long id;
            if (request.watchId() == WatchRequest.AUTO_WATCH_ID) {
                while (watchers.containsKey(nextAutoId)) {
                    nextAutoId++;
                }
                id = nextAutoId++;
            } else if (watchers.containsKey(request.watchId())) {
                throw new DuplicateWatchIdException(request.watchId());
            } else {
                id = request.watchId();
            }
            watcher = new Watcher(this, id, request, hub.firstRevision(request.startRevision()));
            watchers.put(id, watcher);
        }
        try {
            hub.register(watcher);
        } catch (IllegalStateException e) {
            watchers.remove(watcher.id, watcher);
            throw e;
        }
        return watcher.id;
    }

    /**
     * Cancels one watcher. Once this returns {@code true}, the sink receives nothing more for that id (a batch
     * already being offered completes first). Returns {@code false} if no such watcher exists, for example because
     * it was already cancelled or ended by compaction.
     */
    public boolean cancel(long watchId) {
        Watcher watcher = watchers.remove(watchId);
        if (watcher == null) {
            return false;
        }
        watcher.cancel();
        hub.unregister(watcher);
        return true;
    }

    /**
     * Asks for one {@link WatchBatch.Kind#PROGRESS} batch with id {@link WatchBatch#ALL_WATCHERS} carrying the hub's
     * current revision. It is sent only when every watcher of this stream is synced, so the revision is a true
     * lower bound for all of them; otherwise it is deferred until they are (etcd's progress request). Several
     * requests made before the answer is sent are answered once. Never blocks.
     */
    public void requestProgress() {
        hub.requestProgress(this);
    }

    /** Tells the hub the sink can take batches again, so this stream's victims are retried now. Never blocks. */
    public void signalReady() {
        hub.retryVictims(this);
    }

    /** Cancels every watcher of this stream; later {@link #watch} calls fail. Idempotent. */
    @Override
    public void close() {
        synchronized (idLock) {
            closed = true;
        }
        for (Long id : watchers.keySet()) {
            cancel(id);
        }
    }

    boolean isClosed() {
        synchronized (idLock) {
            return closed;
        }
    }

    WatchSink sink() {
        return sink;
    }

    Collection<Watcher> watchers() {
        return watchers.values();
    }

    /** Called by the hub thread when a watcher ends on its own (compacted, or its sink threw). */
    void forget(Watcher watcher) {
        watchers.remove(watcher.id, watcher);
    }
}
