package io.capstan.apiserver.storage;

import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The small etcd-shaped port through which the API server reaches its store. It speaks etcd v3
 * messages so that one implementation can embed the Capstan store ({@link EmbeddedKvStore}) and
 * another can talk to any etcd v3 endpoint ({@link RemoteKvStore}); both pass the same contract
 * test.
 *
 * <p><b>Guarantees.</b> A completed write was committed by the store and has the revision in its
 * response header. Reads are linearizable unless the request sets {@code serializable}. Expected
 * outcomes are values, not failures: a failed compare gives {@code succeeded == false}, a missing
 * key gives an empty range. Puts and deletes go through {@link #txn}, so every object write is one
 * compare-guarded transaction and nothing is ever half-written.
 *
 * <p><b>Does not</b> retry a request whose outcome is unknown beyond what the implementation says
 * (a remote store may resend to another endpoint when the first was unavailable; guard writes
 * with a compare so that a resent write cannot apply twice unnoticed). It caches nothing.
 *
 * <p><b>Failures.</b> Futures fail with a {@link KvStoreException}: {@link CompactedException}
 * when a read asks for a revision below the compaction point, {@link FutureRevisionException} for
 * a revision not yet written, {@link StoreUnavailableException} when no store answered within the
 * deadline (the write may or may not have happened), and the base type for anything else the
 * store rejects (invalid request, quota). Methods never throw directly except for {@code null}
 * arguments.
 *
 * <p><b>Threads.</b> Thread-safe. Futures may complete on a store or transport thread; callers
 * must not block in their callbacks.
 */
public interface KvStore extends AutoCloseable {

    CompletableFuture<RangeResponse> range(RangeRequest request);

    /** The only write path: puts and deletes are the success or failure ops of a transaction. */
    CompletableFuture<TxnResponse> txn(TxnRequest request);

    /** Discards history below {@code request.revision}; later reads and watches below it fail as compacted. */
    CompletableFuture<CompactionResponse> compact(CompactionRequest request);

    CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request);

    /**
     * Starts one watcher for the key or range of {@code request}, from its {@code start_revision}
     * (0 means from now). The listener first sees every change after the start revision that is
     * still in history, then live changes, in revision order, each exactly once, on one thread at
     * a time. The watch ends with exactly one of {@link WatchListener#onCompacted} or
     * {@link WatchListener#onError}, or silently when the caller closes the handle; no call follows
     * the end. A watch is not resumed by the store: after an error the caller starts a new one from
     * the last revision it saw plus one.
     */
    Watch watch(WatchCreateRequest request, WatchListener listener);

    /** Releases connections and ends open watches without calling their listeners. Idempotent. */
    @Override
    void close();

    /** A running watch. Closing it stops delivery; events already on their way may still arrive. */
    interface Watch extends AutoCloseable {
        /**
         * Asks the store for a progress report (etcd's {@code progress_request}): later, {@link
         * WatchListener#onProgress} with a revision up to which every event of this watch has been
         * delivered. The store answers only once the watch has caught up with history, so an answer
         * can take a while; several requests may be answered by one report, and none is answered if
         * the watch ends first. Never blocks; does nothing after the watch ended.
         */
        void requestProgress();

        @Override
        void close();
    }
}
