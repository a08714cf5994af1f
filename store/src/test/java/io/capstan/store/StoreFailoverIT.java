package io.capstan.store;

import static io.capstan.store.ClusterReads.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StoreFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(StoreFailoverIT.class);
    private static final int WRITERS = 4;
    private static final int WRITES_PER_WRITER = 60;
    private static final int ATTEMPTS_PER_WRITE = 40;
    private static final Duration LOAD_DEADLINE = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesALeaderKilledMidLoad() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try (StoreCluster cluster = StoreCluster.start(3, dir)) {
            // one committed write first, so that start-up elections have settled before the leader is chosen
            cluster.kv(0)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("warm-up"))
                            .setValue(bytes("1"))
                            .build());
            int leader = cluster.awaitLeader();
            List<Integer> followers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (i != leader) {
                    followers.add(i);
                }
            }
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Long> ackTimes = new ConcurrentLinkedQueue<>();
            AtomicInteger failedAttempts = new AtomicInteger();
            long loadEnds = System.nanoTime() + LOAD_DEADLINE.toNanos();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                // each writer starts on a follower and, like an etcd client, moves to the next endpoint on failure
                List<KVGrpc.KVBlockingStub> endpoints = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    endpoints.add(KVGrpc.newBlockingStub(cluster.channel((followers.get(w % 2) + i) % 3)));
                }
                done.add(writers.submit(() -> {
                    int endpoint = 0;
                    for (int n = 0; n < WRITES_PER_WRITER && System.nanoTime() < loadEnds; n++) {
                        String key = "load/" + writer + "/" + n;
                        String value = "v" + writer + "-" + n;
                        for (int attempt = 0; attempt < ATTEMPTS_PER_WRITE && System.nanoTime() < loadEnds; attempt++) {
                            try {
                                endpoints
                                        .get(endpoint)
                                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                                        .put(PutRequest.newBuilder()
                                                .setKey(bytes(key))
                                                .setValue(bytes(value))
                                                .build());
                                acknowledged.put(key, value);
                                ackTimes.add(System.nanoTime());
                                break;
                            } catch (StatusRuntimeException e) {
                                // outcome unknown: it may still commit; the same key and value again is harmless
                                failedAttempts.incrementAndGet();
                                endpoint = (endpoint + 1) % endpoints.size();
                            }
                        }
                    }
                    return null;
                }));
            }

            await().atMost(Duration.ofSeconds(25)).until(() -> acknowledged.size() >= WRITERS * WRITES_PER_WRITER / 3);
            int ackedBeforeKill = acknowledged.size();
            int killed = cluster.awaitLeader();
            long killedAt = System.nanoTime();
            cluster.kill(killed);
            for (Future<?> writer : done) {
                writer.get(LOAD_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
            }
            int newLeader = cluster.awaitLeader();

            long firstAckAfterKill = ackTimes.stream()
                    .filter(t -> t > killedAt)
                    .min(Long::compare)
                    .orElseThrow();
            List<Long> sorted = ackTimes.stream().sorted().toList();
            long longestGap = 0;
            for (int i = 1; i < sorted.size(); i++) {
                longestGap = Math.max(longestGap, sorted.get(i) - sorted.get(i - 1));
            }
            log.info(
                    "failover: {} acknowledged before the kill, {} in all, {} failed attempts; first ack {} ms after"
                            + " the kill, longest gap between acks {} ms; new leader p{}",
                    ackedBeforeKill,
                    acknowledged.size(),
                    failedAttempts.get(),
                    TimeUnit.NANOSECONDS.toMillis(firstAckAfterKill - killedAt),
                    TimeUnit.NANOSECONDS.toMillis(longestGap),
                    newLeader + 1);
            assertThat(acknowledged).hasSize(WRITERS * WRITES_PER_WRITER);

            List<Integer> survivors = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (i != killed) {
                    survivors.add(i);
                }
            }
            long revision = ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(15));
            Map<String, String> reference = ClusterReads.contents(cluster, survivors.get(0), revision);
            assertThat(reference).containsAllEntriesOf(acknowledged);
            assertThat(ClusterReads.contents(cluster, survivors.get(1), revision))
                    .isEqualTo(reference);

            cluster.restart(killed);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> cluster.peer(killed).revision() >= revision);
            assertThat(ClusterReads.contents(cluster, killed, revision)).isEqualTo(reference);
            long hash = ClusterReads.hashKv(cluster, survivors.get(0), revision);
            assertThat(ClusterReads.hashKv(cluster, survivors.get(1), revision)).isEqualTo(hash);
            assertThat(ClusterReads.hashKv(cluster, killed, revision)).isEqualTo(hash);
        } finally {
            writers.shutdownNow();
            writers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
