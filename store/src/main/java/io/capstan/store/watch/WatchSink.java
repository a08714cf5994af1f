package io.capstan.store.watch;

/**
 * Where the hub sends one stream's batches; the rpc layer implements it over a flow-controlled gRPC stream.
 *
 * <p>Contract of {@link #offer}:
 *
 * <ul>
 *   <li>It must not block and should be cheap; it is called on the hub's single thread, which serves every stream.
 *   <li>Returning {@code true} means the sink has taken the batch and will send it, in offer order. Returning
 *       {@code false} means it took nothing (for example, its bounded buffer is full or the transport is not
 *       ready). The hub then keeps no copy: the watcher becomes a victim, receives no live events, and is caught up
 *       later from {@link History} from its first undelivered revision. A refused progress notification is simply
 *       dropped, except a stream-wide answer to {@link WatchStream#requestProgress()}, which is retried.
 *   <li>Batches of one watcher never skip or repeat a revision. Batches of different watchers may interleave.
 *   <li>Calls for one stream never overlap. The hub holds the watcher's monitor during the call, so the sink must
 *       not wait for another thread that might be calling {@link WatchStream#cancel}. It may call the stream's
 *       methods itself.
 *   <li>A runtime exception from {@code offer} cancels that watcher.
 * </ul>
 *
 * <p>When a sink that refused becomes ready again it should call {@link WatchStream#signalReady()} so its victims are
 * retried at once instead of at the next retry interval.
 */
@FunctionalInterface
public interface WatchSink {
    boolean offer(WatchBatch batch);
}
