package io.capstan.apiserver.watch;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.apiserver.storage.KvStoreException;
import io.capstan.apiserver.storage.StoreUnavailableException;
import io.capstan.apiserver.storage.WatchListener;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.CompactionResponse;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrantResponse;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.ResponseHeader;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory store with etcd's revisions, history and watch semantics, enough for the watch
 * cache: range over a prefix at the latest revision, watches that replay history then go live,
 * progress answers, compaction and injected failures. Writes are test methods rather than Txns.
 *
 * <p>Everything, deliveries included, happens under one lock, so a watch's calls never overlap and
 * a progress answer can never overtake an event. The listener therefore runs on the writing test
 * thread (or, for progress, on the thread that asked).
 */
final class FakeKvStore implements KvStore {
    // all guarded by this
    private long revision = 1;
    private long compactRevision;
    private final TreeMap<String, KeyValue> data = new TreeMap<>();
    private final List<Event> history = new ArrayList<>();
    private final List<FakeWatch> watches = new ArrayList<>();
    private int watchesOpened;
    private int progressRequests;
    private boolean answerProgress = true;
    private KvStoreException failRanges;

    // ---- writes and knobs for tests

    synchronized long put(String key, ByteString value) {
        long at = ++revision;
        KeyValue previous = data.get(key);
        KeyValue kv = KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(value)
                .setModRevision(at)
                .setCreateRevision(previous == null ? at : previous.getCreateRevision())
                .setVersion(previous == null ? 1 : previous.getVersion() + 1)
                .build();
        data.put(key, kv);
        record(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
        return at;
    }

    synchronized long delete(String key) {
        if (!data.containsKey(key)) {
            throw new IllegalArgumentException("no key " + key);
        }
        long at = ++revision;
        data.remove(key);
        KeyValue kv = KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setModRevision(at)
                .build();
        record(Event.newBuilder().setType(Event.EventType.DELETE).setKv(kv).build());
        return at;
    }

    /** Discards history up to {@code at}; a watch from at or below it fails as compacted. */
    synchronized void compact(long at) {
        compactRevision = at;
        history.removeIf(e -> e.getKv().getModRevision() <= at);
    }

    /** Ends every open watch with {@code error}, as a broken connection would. */
    synchronized void failWatches(KvStoreException error) {
        for (FakeWatch watch : List.copyOf(watches)) {
            watches.remove(watch);
            watch.listener.onError(error);
        }
    }

    /**
     * Ends every open watch with {@code error}, then runs {@code meanwhile} (writes, compaction)
     * before any new watch can open: the writes happen while the watchers are disconnected.
     */
    synchronized void disconnect(KvStoreException error, Runnable meanwhile) {
        failWatches(error);
        meanwhile.run();
    }

    /** Ends every open watch as compacted at the current compact revision. */
    synchronized void compactWatches() {
        for (FakeWatch watch : List.copyOf(watches)) {
            watches.remove(watch);
            watch.listener.onCompacted(compactRevision);
        }
    }

    /** Whether progress requests are answered at once (the default) or only by {@link #sendProgress()}. */
    synchronized void answerProgress(boolean answer) {
        this.answerProgress = answer;
    }

    /** Sends every open watch a progress notification at the current revision. */
    synchronized void sendProgress() {
        for (FakeWatch watch : watches) {
            watch.listener.onProgress(revision);
        }
    }

    /** Fails ranges with {@code error} until called with null. */
    synchronized void failRanges(KvStoreException error) {
        this.failRanges = error;
    }

    synchronized int watchesOpened() {
        return watchesOpened;
    }

    synchronized int openWatches() {
        return watches.size();
    }

    synchronized int progressRequests() {
        return progressRequests;
    }

    synchronized long revision() {
        return revision;
    }

    // ---- KvStore

    @Override
    public synchronized CompletableFuture<RangeResponse> range(RangeRequest request) {
        if (failRanges != null) {
            return CompletableFuture.failedFuture(failRanges);
        }
        if (request.getRevision() != 0) {
            throw new UnsupportedOperationException("the fake reads only the latest revision");
        }
        RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header());
        for (KeyValue kv : data.subMap(
                        request.getKey().toStringUtf8(), request.getRangeEnd().toStringUtf8())
                .values()) {
            response.addKvs(kv);
        }
        return CompletableFuture.completedFuture(
                response.setCount(response.getKvsCount()).build());
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("txn"));
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("compact"));
    }

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("leaseGrant"));
    }

    @Override
    public synchronized Watch watch(WatchCreateRequest request, WatchListener listener) {
        watchesOpened++;
        FakeWatch watch = new FakeWatch(request, listener);
        long start = request.getStartRevision();
        if (start != 0 && start <= compactRevision) {
            listener.onCompacted(compactRevision);
            return watch;
        }
        watches.add(watch);
        List<Event> replay = new ArrayList<>();
        for (Event event : history) {
            if (event.getKv().getModRevision() >= start && watch.covers(event)) {
                replay.add(event);
            }
        }
        if (!replay.isEmpty()) {
            listener.onEvents(revision, replay);
        }
        return watch;
    }

    @Override
    public synchronized void close() {
        watches.clear();
    }

    private void record(Event event) {
        history.add(event);
        for (FakeWatch watch : watches) {
            if (watch.covers(event)) {
                watch.listener.onEvents(revision, List.of(event));
            }
        }
    }

    private ResponseHeader header() {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    private final class FakeWatch implements Watch {
        private final String key;
        private final String rangeEnd;
        private final WatchListener listener;

        FakeWatch(WatchCreateRequest request, WatchListener listener) {
            this.key = request.getKey().toStringUtf8();
            this.rangeEnd = request.getRangeEnd().toStringUtf8();
            this.listener = listener;
        }

        boolean covers(Event event) {
            String k = event.getKv().getKey().toStringUtf8();
            return k.compareTo(key) >= 0 && k.compareTo(rangeEnd) < 0;
        }

        @Override
        public void requestProgress() {
            synchronized (FakeKvStore.this) {
                progressRequests++;
                if (answerProgress && watches.contains(this)) {
                    listener.onProgress(revision);
                }
            }
        }

        @Override
        public void close() {
            synchronized (FakeKvStore.this) {
                watches.remove(this);
            }
        }
    }

    static StoreUnavailableException unavailable() {
        return new StoreUnavailableException("connection lost", null);
    }
}
