package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.mvcc.Event;
import java.util.List;

/**
 * Receives what one {@link KvStore#watch} delivers. Calls for one watch never overlap and come in
 * revision order; implementations must return quickly (they run on a transport thread).
 */
public interface WatchListener {

    /** One batch of changes, all at or below {@code revision}, the store's revision when it was sent. */
    void onEvents(long revision, List<Event> events);

    /**
     * Every event of this watch at or below {@code revision} has been delivered: the store's
     * progress notification, in answer to {@link KvStore.Watch#requestProgress} or sent
     * periodically when the watch asked for {@code progress_notify}. Comes in order with the
     * events. Ignored unless overridden.
     */
    default void onProgress(long revision) {}

    /** The start revision was compacted; {@code compactRevision} is the lowest one still watchable. Final. */
    void onCompacted(long compactRevision);

    /** The watch broke for another reason (store unreachable, request rejected). Final. */
    void onError(KvStoreException error);
}
