package io.capstan.apiserver.watch;

import io.capstan.proto.api.v1.WatchError;
import io.capstan.proto.api.v1.WatchEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher of a {@link WatchCache}: what it still has to send, and the sending.
 *
 * <p>Its events come from two places, sent in this order: the <em>replay</em> fixed when it
 * registered (the window's events after its resourceVersion, or the initial events and their
 * closing bookmark), then the <em>live buffer</em> the cache fills as changes arrive. The replay is
 * a list of references into the cache's window and is filtered as it is sent; the live buffer holds
 * at most {@code capacity} events. When the cache offers a live event to a full buffer, the watcher
 * is ended: whatever it still had is dropped and it sends one ERROR event with code 8
 * (RESOURCE_EXHAUSTED), so the client watches again from the last resourceVersion it received,
 * which the window usually still holds.
 *
 * <p>Sending runs on the cache's sender executor, at most one task per watcher at a time, and only
 * while {@link WatchSink#isReady()}; {@link #signalReady()} resumes it. A task sends a bounded
 * number of events and then yields its thread to other watchers.
 *
 * <p>Thread-safe. Lock order: the cache's lock, then this watcher's; never the other way round.
 */
public final class CacheWatcher {
    private static final Logger log = LoggerFactory.getLogger(CacheWatcher.class);

    // gRPC status codes carried in ERROR events
    static final int OUT_OF_RANGE = 11;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNAVAILABLE = 14;

    /** Events one sending task sends before it lets other watchers' tasks run. */
    private static final int SEND_BUDGET = 256;

    private final WatchCache cache;
    private final WatchOptions options;
    private final WatchSink sink;
    private final int capacity;
    private final Executor senders;

    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<WatchEvent> buffer = new ArrayDeque<>();
    private List<CacheEvent> replay = List.of();
    private int replayed;
    private @Nullable WatchEvent replayEnd;
    private @Nullable WatchEvent terminal;
    private boolean ending;
    private boolean closed;
    private boolean scheduled;
    private boolean rerun;

    CacheWatcher(WatchCache cache, WatchOptions options, WatchSink sink, int capacity, Executor senders) {
        this.cache = cache;
        this.options = options;
        this.sink = sink;
        this.capacity = capacity;
        this.senders = senders;
    }

    /** Tells the watcher its sink may be ready again (gRPC's onReady). */
    public void signalReady() {
        schedule();
    }

    /**
     * Stops the watcher: nothing more is sent and the sink is not called again (the receiver went
     * away, e.g. the call was cancelled). Idempotent.
     */
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            dropPending();
        }
        cache.unregister(this);
    }

    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    public WatchOptions options() {
        return options;
    }

    ObjectFilter filter() {
        return options.filter();
    }

    /** Sets what is sent before the live events; called once, under the cache's lock, at registration. */
    void startWith(List<CacheEvent> events, @Nullable WatchEvent end) {
        synchronized (lock) {
            if (closed || ending) {
                return;
            }
            replay = events;
            replayed = 0;
            replayEnd = end;
        }
        schedule();
    }

    /**
     * Offers one change, under the cache's lock. Returns false if the watcher is finished with and
     * the cache should forget it: it was closed, or its buffer was full and it is now ending.
     */
    boolean offer(CacheEvent change) {
        WatchEvent event = change.toWatchEvent(options.filter());
        if (event == null) {
            return true; // a closed watcher unregisters itself
        }
        synchronized (lock) {
            if (closed || ending) {
                return false;
            }
            if (buffer.size() >= capacity) {
                endLocked(error(
                        RESOURCE_EXHAUSTED,
                        "watcher fell more than " + capacity + " events behind at revision " + change.revision()
                                + "; watch again from the last resourceVersion received"));
            } else {
                buffer.addLast(event);
            }
        }
        schedule();
        return true;
    }

    /** Queues a bookmark if the watcher takes them and has room; a full watcher just skips it. */
    void offerBookmark(WatchEvent bookmark) {
        if (!options.allowBookmarks()) {
            return;
        }
        synchronized (lock) {
            if (closed || ending || buffer.size() >= capacity) {
                return;
            }
            buffer.addLast(bookmark);
        }
        schedule();
    }

    /**
     * Ends the watcher: what it has not sent is dropped, then {@code error} (if any) is sent and the
     * sink closed. The caller removes it from the cache.
     */
    void end(@Nullable WatchEvent error) {
        synchronized (lock) {
            if (closed || ending) {
                return;
            }
            endLocked(error);
        }
        schedule();
    }

    static WatchEvent error(int code, String message) {
        return WatchEvent.newBuilder()
                .setType(WatchEvent.Type.TYPE_ERROR)
                .setError(WatchError.newBuilder().setCode(code).setMessage(message))
                .build();
    }

    private void endLocked(@Nullable WatchEvent error) {
        ending = true;
        terminal = error;
        dropPending();
    }

    private void dropPending() {
        buffer.clear();
        replay = List.of();
        replayed = 0;
        replayEnd = null;
    }

    private void schedule() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (scheduled) {
                rerun = true;
                return;
            }
            scheduled = true;
        }
        execute();
    }

    private void execute() {
        try {
            senders.execute(this::send);
        } catch (RejectedExecutionException e) {
            // the senders are shut down with the caches: nothing will be sent any more
            synchronized (lock) {
                scheduled = false;
                closed = true;
                dropPending();
            }
        }
    }

    /** One sending task; see the class comment. */
    private void send() {
        for (int budget = SEND_BUDGET; ; ) {
            boolean ready = sink.isReady();
            CacheEvent change = null;
            WatchEvent event = null;
            WatchEvent finalEvent = null;
            boolean finish = false;
            synchronized (lock) {
                if (closed) {
                    scheduled = false;
                    return;
                }
                if (ending) {
                    closed = true;
                    scheduled = false;
                    finish = true;
                    finalEvent = terminal;
                } else if (ready && budget > 0) {
                    if (replayed < replay.size()) {
                        change = replay.get(replayed++);
                    } else if (replayEnd != null) {
                        event = replayEnd;
                        replayEnd = null;
                    } else {
                        event = buffer.pollFirst();
                    }
                }
                if (!finish && change == null && event == null) {
                    if (ready && budget == 0) {
                        // more to send: requeue behind other watchers' tasks, staying scheduled
                        rerun = false;
                    } else if (rerun) {
                        // readiness or new events arrived while deciding: look again
                        rerun = false;
                        continue;
                    } else {
                        scheduled = false;
                        return;
                    }
                }
            }
            if (finish) {
                finish(finalEvent);
                return;
            }
            if (change == null && event == null) {
                execute();
                return;
            }
            if (change != null) {
                event = change.toWatchEvent(options.filter());
            }
            if (event != null) {
                budget--;
                try {
                    sink.send(event);
                } catch (RuntimeException e) {
                    log.debug("Watch sink failed; closing the watcher", e);
                    close();
                    return;
                }
            }
        }
    }

    private void finish(@Nullable WatchEvent finalEvent) {
        try {
            // sent even if the sink is not ready: one event, and the stream ends with it
            if (finalEvent != null) {
                sink.send(finalEvent);
            }
            sink.close();
        } catch (RuntimeException e) {
            log.debug("Watch sink failed while ending", e);
        }
        cache.unregister(this);
    }
}
