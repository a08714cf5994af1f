package io.capstan.store;

import static io.capstan.store.ClusterReads.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.proto.etcd.mvcc.KeyValue;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StoreWatchFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(StoreWatchFailoverIT.class);
    private static final String PREFIX = "watched/";
    private static final int WRITES = 200;
    private static final int ATTEMPTS_PER_WRITE = 40;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void watchResumedFromLastRevisionOnAnotherPeerSeesEveryEventExactlyOnce() throws Exception {
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        List<RecordingWatch> watches = new ArrayList<>();
        try (StoreCluster cluster = StoreCluster.start(3, dir)) {
            // one committed write first, so that start-up elections have settled before the leader is chosen
            cluster.kv(0)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("warm-up"))
                            .setValue(bytes("1"))
                            .build());
            int leader = cluster.awaitLeader();
            int writeVia = (leader + 1) % 3;
            int resumeOn = (leader + 2) % 3;
            long start = cluster.peer(leader).revision() + 1;
            // the client that must move: its peer (the leader) is killed under it
            RecordingWatch first = RecordingWatch.prefix(cluster.channel(leader), PREFIX, start);
            // a follower's watcher that lives through the leader change
            RecordingWatch steady = RecordingWatch.prefix(cluster.channel(resumeOn), PREFIX, start);
            watches.add(first);
            watches.add(steady);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.isCreated() && steady.isCreated());

            AtomicInteger acknowledged = new AtomicInteger();
            List<Long> ackedRevisions = java.util.Collections.synchronizedList(new ArrayList<>());
            long writeEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(35);
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(cluster.channel(writeVia));
            CompletableFuture<Void> writes = CompletableFuture.runAsync(
                    () -> {
                        for (int n = 0; n < WRITES && System.nanoTime() < writeEnds; n++) {
                            for (int attempt = 0; attempt < ATTEMPTS_PER_WRITE; attempt++) {
                                try {
                                    // a fresh key per attempt: a failed attempt that still commits stays visible
                                    long revision = kv.withDeadlineAfter(5, TimeUnit.SECONDS)
                                            .put(PutRequest.newBuilder()
                                                    .setKey(bytes(PREFIX + n + "/" + attempt))
                                                    .setValue(bytes("v" + n))
                                                    .build())
                                            .getHeader()
                                            .getRevision();
                                    ackedRevisions.add(revision);
                                    acknowledged.incrementAndGet();
                                    break;
                                } catch (StatusRuntimeException e) {
                                    log.debug("write {} attempt {} failed: {}", n, attempt, e.getStatus());
                                }
                            }
                        }
                    },
                    writerThread);

            await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.get() >= WRITES / 3);
            cluster.kill(leader);
            await().atMost(Duration.ofSeconds(10)).until(first::hasEnded);
            long resumeFrom = first.lastRevision() + 1;
            RecordingWatch resumed = RecordingWatch.prefix(cluster.channel(resumeOn), PREFIX, resumeFrom);
            watches.add(resumed);
            writes.get(45, TimeUnit.SECONDS);
            assertThat(acknowledged.get()).isEqualTo(WRITES);

            long revision = ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(15));
            List<Long> written = KVGrpc.newBlockingStub(cluster.channel(writeVia))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder()
                            .setKey(bytes(PREFIX))
                            .setRangeEnd(ClusterReads.prefixEnd(PREFIX))
                            .setRevision(revision)
                            .build())
                    .getKvsList()
                    .stream()
                    .map(KeyValue::getModRevision)
                    .sorted()
                    .toList();
            assertThat(written).containsAll(ackedRevisions);
            long last = written.get(written.size() - 1);

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> resumed.lastRevision() >= last && steady.lastRevision() >= last);
            List<Long> union = new ArrayList<>(first.revisions());
            union.addAll(resumed.revisions());
            log.info(
                    "watch failover: {} writes ({} committed), first stream saw {} events up to {}, resumed from {}"
                            + " and saw {}",
                    WRITES,
                    written.size(),
                    first.revisions().size(),
                    resumeFrom - 1,
                    resumeFrom,
                    resumed.revisions().size());
            assertThat(union).as("events across the reconnect").containsExactlyElementsOf(written);
            assertThat(steady.revisions()).as("events on the follower's stream").containsExactlyElementsOf(written);
            assertThat(resumed.events()).allMatch(e -> e.getType() == Event.EventType.PUT);
            assertThat(resumed.isCanceled() || steady.isCanceled()).isFalse();
        } finally {
            watches.forEach(RecordingWatch::close);
            writerThread.shutdownNow();
            writerThread.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
