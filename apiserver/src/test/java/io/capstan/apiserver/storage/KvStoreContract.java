package io.capstan.apiserver.storage;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.store.StoreCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link KvStore} must do, run against an in-process three-peer store. Each test works
 * under its own key prefix, so the tests can share one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class KvStoreContract {
    private StoreCluster cluster;
    private KvStore kv;
    private String prefix;

    StoreCluster cluster() {
        return cluster;
    }

    /** The store under test, over {@code cluster}; the test closes it. */
    abstract KvStore newStore(StoreCluster cluster);

    @BeforeAll
    void startCluster(@TempDir Path root) throws Exception {
        cluster = StoreCluster.start(3, root);
        cluster.awaitLeader();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void openStore(TestInfo test) {
        kv = newStore(cluster);
        prefix = "/contract/" + test.getTestMethod().orElseThrow().getName() + "/";
    }

    @AfterEach
    void closeStore() {
        kv.close();
    }

    @Test
    void createIfAbsentSucceedsOnceThenFailsCompare() {
        TxnRequest create = createIfAbsent(prefix + "a", "one");

        TxnResponse first = join(kv.txn(create));
        TxnResponse second = join(kv.txn(createIfAbsent(prefix + "a", "two")));

        assertThat(first.getSucceeded()).isTrue();
        assertThat(second.getSucceeded()).isFalse();
        assertThat(values(get(prefix + "a"))).containsExactly("one");
    }

    @Test
    void updateWithStaleModRevisionFailsCompare() {
        long created =
                join(kv.txn(createIfAbsent(prefix + "a", "one"))).getHeader().getRevision();
        long updated = join(kv.txn(updateIfAt(prefix + "a", created, "two")))
                .getHeader()
                .getRevision();

        TxnResponse stale = join(kv.txn(updateIfAt(prefix + "a", created, "three")));
        TxnResponse fresh = join(kv.txn(updateIfAt(prefix + "a", updated, "four")));

        assertThat(stale.getSucceeded()).isFalse();
        assertThat(fresh.getSucceeded()).isTrue();
        assertThat(values(get(prefix + "a"))).containsExactly("four");
    }

    @Test
    void rangeWithPrefixReturnsOnlyKeysUnderIt() {
        put(prefix + "in/1", "x");
        put(prefix + "in/2", "y");
        put(prefix + "out", "z");

        RangeResponse in = join(kv.range(RangeRequest.newBuilder()
                .setKey(bytes(prefix + "in/"))
                .setRangeEnd(prefixEnd(prefix + "in/"))
                .build()));

        assertThat(in.getKvsList())
                .extracting(k -> k.getKey().toStringUtf8())
                .containsExactly(prefix + "in/1", prefix + "in/2");
        assertThat(in.getCount()).isEqualTo(2);
    }

    @Test
    void watchFromRevisionDeliversExactlyTheLaterEventsInOrder() {
        long before = put(prefix + "a", "before");
        long putB = put(prefix + "b", "1");
        long putA = put(prefix + "a", "2");
        long deleteB = join(kv.txn(TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder()
                                .setRequestDeleteRange(
                                        DeleteRangeRequest.newBuilder().setKey(bytes(prefix + "b"))))
                        .build()))
                .getHeader()
                .getRevision();
        RecordingListener listener = new RecordingListener();

        try (KvStore.Watch ignored = kv.watch(prefixWatch(prefix, before + 1), listener)) {
            // a live write after the replay: once it is seen, everything before it has been too
            long marker = put(prefix + "marker", "m");

            await().atMost(ofSeconds(20))
                    .untilAsserted(() -> assertThat(listener.events()).hasSize(4));
            assertThat(listener.events())
                    .extracting(
                            e -> e.getType(),
                            e -> e.getKv().getKey().toStringUtf8(),
                            e -> e.getKv().getModRevision())
                    .containsExactly(
                            tuple(Event.EventType.PUT, prefix + "b", putB),
                            tuple(Event.EventType.PUT, prefix + "a", putA),
                            tuple(Event.EventType.DELETE, prefix + "b", deleteB),
                            tuple(Event.EventType.PUT, prefix + "marker", marker));
            assertThat(listener.end()).isNull();
        }
    }

    @Test
    void requestedProgressCoversWritesOutsideTheWatchedRange() {
        long watched = put(prefix + "in/a", "1");
        RecordingListener listener = new RecordingListener();

        try (KvStore.Watch watch = kv.watch(prefixWatch(prefix + "in/", watched + 1), listener)) {
            long inside = put(prefix + "in/b", "2");
            long outside = put(prefix + "out", "3");

            // a follower may answer from before it applied the write, so ask until the answer covers it
            await().atMost(ofSeconds(20)).pollInterval(ofMillis(50)).untilAsserted(() -> {
                watch.requestProgress();
                assertThat(listener.progress()).last().isNotNull().matches(p -> p >= outside);
            });
            assertThat(listener.progress()).isSorted();
            assertThat(listener.events())
                    .extracting(e -> e.getKv().getModRevision())
                    .containsExactly(inside);
            assertThat(listener.end()).isNull();
        }
    }

    @Test
    void compactedRevisionFailsWithCompactRevision() {
        long first = put(prefix + "a", "1");
        long compactAt = put(prefix + "a", "2");
        join(kv.compact(CompactionRequest.newBuilder()
                .setRevision(compactAt)
                .setPhysical(true)
                .build()));

        // The linearizable read first: a watch is served from its member's own history, as in
        // etcd, and a follower may not have applied the compaction the leader answered for yet; the
        // read's barrier on the same endpoint makes sure it has.
        assertThat(kv.range(RangeRequest.newBuilder()
                        .setKey(bytes(prefix + "a"))
                        .setRevision(first)
                        .build()))
                .failsWithin(ofSeconds(20))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(CompactedException.class);
        RecordingListener listener = new RecordingListener();
        try (KvStore.Watch ignored = kv.watch(prefixWatch(prefix, first), listener)) {
            await().atMost(ofSeconds(20))
                    .untilAsserted(() -> assertThat(listener.end()).isEqualTo("compacted " + compactAt));
        }

        assertThat(listener.events()).isEmpty();
    }

    @Test
    void rangeAtFutureRevisionFailsWithFutureRevision() {
        long now = put(prefix + "a", "1");

        assertThat(kv.range(RangeRequest.newBuilder()
                        .setKey(bytes(prefix + "a"))
                        .setRevision(now + 1_000_000)
                        .build()))
                .failsWithin(ofSeconds(20))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(FutureRevisionException.class);
    }

    @Test
    void leaseGrantReturnsTheGrantedLease() {
        var granted =
                join(kv.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()));

        assertThat(granted.getID()).isNotZero();
        assertThat(granted.getTTL()).isEqualTo(30);
    }

    private long put(String key, String value) {
        return put(kv, key, value);
    }

    /** An unconditional put as a one-op txn; returns the revision it was written at. */
    static long put(KvStore store, String key, String value) {
        return join(store.txn(TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder()
                                .setRequestPut(PutRequest.newBuilder()
                                        .setKey(bytes(key))
                                        .setValue(bytes(value))))
                        .build()))
                .getHeader()
                .getRevision();
    }

    private RangeResponse get(String key) {
        return join(kv.range(RangeRequest.newBuilder().setKey(bytes(key)).build()));
    }

    private static TxnRequest createIfAbsent(String key, String value) {
        return TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder()
                        .setKey(bytes(key))
                        .setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestPut(
                                PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))))
                .build();
    }

    private static TxnRequest updateIfAt(String key, long modRevision, String value) {
        return TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder()
                        .setKey(bytes(key))
                        .setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setModRevision(modRevision))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestPut(
                                PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))))
                .build();
    }

    private static WatchCreateRequest prefixWatch(String prefix, long startRevision) {
        return WatchCreateRequest.newBuilder()
                .setKey(bytes(prefix))
                .setRangeEnd(prefixEnd(prefix))
                .setStartRevision(startRevision)
                .build();
    }

    private static List<String> values(RangeResponse response) {
        return response.getKvsList().stream()
                .map(k -> k.getValue().toStringUtf8())
                .toList();
    }

    private static <T> T join(CompletableFuture<T> future) {
        return future.orTimeout(20, TimeUnit.SECONDS).join();
    }

    static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    /** etcd's prefix range end: the prefix with its last byte incremented. */
    static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    /** Records events and how the watch ended ("compacted N" or "error ..."). */
    static final class RecordingListener implements WatchListener {
        // guarded by this
        private final List<Event> events = new ArrayList<>();
        private String end;
        private final List<Long> progress = new ArrayList<>();

        @Override
        public synchronized void onEvents(long revision, List<Event> batch) {
            events.addAll(batch);
        }

        @Override
        public synchronized void onProgress(long revision) {
            progress.add(revision);
        }

        @Override
        public synchronized void onCompacted(long compactRevision) {
            end = "compacted " + compactRevision;
        }

        @Override
        public synchronized void onError(KvStoreException error) {
            end = "error " + error;
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        /** The progress revisions reported, in order. */
        synchronized List<Long> progress() {
            return List.copyOf(progress);
        }

        synchronized String end() {
            return end;
        }
    }
}
