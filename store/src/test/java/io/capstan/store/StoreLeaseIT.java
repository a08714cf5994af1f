package io.capstan.store;

import static io.capstan.store.ClusterReads.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.LeaseGrantRequest;
import io.capstan.proto.etcd.LeaseGrpc;
import io.capstan.proto.etcd.LeaseKeepAliveRequest;
import io.capstan.proto.etcd.LeaseKeepAliveResponse;
import io.capstan.proto.etcd.LeaseTimeToLiveRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.mvcc.Event;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StoreLeaseIT {
    private static final Logger log = LoggerFactory.getLogger(StoreLeaseIT.class);

    @TempDir
    Path dir;

    private StoreCluster cluster;
    private final List<RecordingWatch> watches = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void startCluster() throws Exception {
        // the fixture already lowers the minimum TTL to 1 s and checks expiry every 100 ms
        cluster = StoreCluster.start(3, dir);
    }

    @AfterEach
    void stop() throws Exception {
        ticker.shutdownNow();
        ticker.awaitTermination(10, TimeUnit.SECONDS);
        watches.forEach(RecordingWatch::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 50, unit = TimeUnit.SECONDS)
    void expiredLeaseDeletesAllItsKeysInOneRevisionOnEveryPeer() {
        int leader = cluster.awaitLeader();
        long lease = grant(leader, 2);
        long start = cluster.peer(leader).revision() + 1;
        for (int i = 0; i < 3; i++) {
            watches.add(RecordingWatch.prefix(cluster.channel(i), "leased/", start));
        }
        for (int k = 0; k < 4; k++) {
            put((leader + 1 + k) % 3, "leased/" + k, lease);
        }
        long grantedAt = System.nanoTime();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (RecordingWatch watch : watches) {
                assertThat(deletes(watch)).hasSize(4);
            }
        });
        log.info(
                "lease expiry: keys deleted about {} ms after the last put (TTL 2 s)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - grantedAt));
        Set<Long> deleteRevisions = watches.stream()
                .flatMap(w -> deletes(w).stream())
                .map(e -> e.getKv().getModRevision())
                .collect(Collectors.toSet());
        assertThat(deleteRevisions)
                .as("mod revisions of the delete events on all peers")
                .hasSize(1);
        for (int i = 0; i < 3; i++) {
            assertThat(KVGrpc.newBlockingStub(cluster.channel(i))
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .range(RangeRequest.newBuilder()
                                    .setKey(bytes("leased/"))
                                    .setRangeEnd(ClusterReads.prefixEnd("leased/"))
                                    .build())
                            .getKvsCount())
                    .isZero();
        }
    }

    @Test
    @Timeout(value = 50, unit = TimeUnit.SECONDS)
    void keepAlivesThroughAFollowerKeepTheLeaseAlive() {
        int leader = cluster.awaitLeader();
        int follower = (leader + 1) % 3;
        // 3 s rather than the 1 s minimum: a loaded 2-core machine can stall a renewal for a second
        long lease = grant(follower, 3);
        put(follower, "kept/a", lease);
        RecordingWatch watch = RecordingWatch.prefix(cluster.channel(follower), "kept/", 0);
        watches.add(watch);
        await().atMost(Duration.ofSeconds(10)).until(watch::isCreated);

        AtomicInteger answered = new AtomicInteger();
        AtomicLong lastTtl = new AtomicLong(-1);
        StreamObserver<LeaseKeepAliveRequest> keepAlives = LeaseGrpc.newStub(cluster.channel(follower))
                .leaseKeepAlive(new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse response) {
                        lastTtl.set(response.getTTL());
                        answered.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
        try {
            ticker.scheduleAtFixedRate(
                    () -> keepAlives.onNext(
                            LeaseKeepAliveRequest.newBuilder().setID(lease).build()),
                    0,
                    250,
                    TimeUnit.MILLISECONDS);
            // 40 answers at 250 ms apart span about 10 s: more than three times the 3 s TTL
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 40);
            assertThat(lastTtl.get()).isEqualTo(3);
            assertThat(deletes(watch))
                    .as("deletes of the leased key while kept alive")
                    .isEmpty();
            assertThat(cluster.kv(follower)
                            .range(RangeRequest.newBuilder()
                                    .setKey(bytes("kept/a"))
                                    .build())
                            .getKvsCount())
                    .isEqualTo(1);
        } finally {
            ticker.shutdownNow();
            keepAlives.onCompleted();
        }
        // and once the keep-alives stop, it does expire
        await().atMost(Duration.ofSeconds(15)).until(() -> !deletes(watch).isEmpty());
    }

    @Test
    @Timeout(value = 50, unit = TimeUnit.SECONDS)
    void newLeaderRestartsTheLeaseClocks() throws Exception {
        long ttlSeconds = 3;
        long lease = grant(0, ttlSeconds);
        put(0, "failover/a", lease);
        ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(10));
        int leader = cluster.awaitLeader();
        int survivor = (leader + 1) % 3;
        RecordingWatch watch = RecordingWatch.prefix(cluster.channel(survivor), "failover/", 0);
        watches.add(watch);
        await().atMost(Duration.ofSeconds(10)).until(watch::isCreated);

        long killedAt = System.nanoTime();
        cluster.kill(leader);
        int newLeader = cluster.awaitLeader();
        long electedAt = System.nanoTime();
        long[] ttlAfterFailover = {-1};
        // the new leader answers once it has promoted its lessor
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .untilAsserted(() -> ttlAfterFailover[0] = LeaseGrpc.newBlockingStub(cluster.channel(newLeader))
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .leaseTimeToLive(
                                LeaseTimeToLiveRequest.newBuilder().setID(lease).build())
                        .getTTL());
        long remaining = ttlAfterFailover[0];

        await().atMost(Duration.ofSeconds(20)).until(() -> !deletes(watch).isEmpty());
        long deletedAt = System.nanoTime();
        log.info(
                "lease failover: new leader p{} {} ms after the kill, TTL there {} s; lease expired {} ms after"
                        + " the kill",
                newLeader + 1,
                TimeUnit.NANOSECONDS.toMillis(electedAt - killedAt),
                remaining,
                TimeUnit.NANOSECONDS.toMillis(deletedAt - killedAt));
        assertThat(remaining).as("TTL right after the failover").isGreaterThanOrEqualTo(ttlSeconds - 1);
        assertThat(Duration.ofNanos(deletedAt - electedAt))
                .as("lease lifetime after the new leader was seen")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(ttlSeconds).minusMillis(300));
    }

    private long grant(int peer, long ttlSeconds) {
        return LeaseGrpc.newBlockingStub(cluster.channel(peer))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build())
                .getID();
    }

    private void put(int peer, String key, long lease) {
        cluster.kv(peer)
                .put(PutRequest.newBuilder()
                        .setKey(bytes(key))
                        .setValue(bytes("v"))
                        .setLease(lease)
                        .build());
    }

    private static List<Event> deletes(RecordingWatch watch) {
        return watch.events().stream()
                .filter(e -> e.getType() == Event.EventType.DELETE)
                .toList();
    }
}
