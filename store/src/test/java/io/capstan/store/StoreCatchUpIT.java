package io.capstan.store;

import static io.capstan.store.ClusterReads.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.WatchCreateRequest;
import io.capstan.proto.etcd.WatchGrpc;
import io.capstan.proto.etcd.WatchRequest;
import io.capstan.proto.etcd.WatchResponse;
import io.capstan.proto.etcd.mvcc.Event;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StoreCatchUpIT {
    private static final Logger log = LoggerFactory.getLogger(StoreCatchUpIT.class);
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    private static final Pattern LOG_SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");

    private static final int FILLER_KEYS = 5;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void stoppedFollowerCatchesUpFromTheLog() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(3, dir)) {
            int leader = cluster.awaitLeader();
            int follower = (leader + 1) % 3;
            writeKeys(cluster, leader, "before/", 20);
            ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(10));
            long stoppedAt = cluster.peer(follower).revision();
            cluster.kill(follower);

            writeKeys(cluster, leader, "missed/", 200);
            cluster.restart(follower);
            long revision = ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(20));

            assertThat(revision).isGreaterThanOrEqualTo(stoppedAt + 200);
            Map<String, String> expected = ClusterReads.contents(cluster, leader, revision);
            assertThat(expected).hasSize(220);
            assertThat(ClusterReads.contents(cluster, follower, revision)).isEqualTo(expected);
            assertThat(ClusterReads.hashKv(cluster, follower, revision))
                    .isEqualTo(ClusterReads.hashKv(cluster, leader, revision));
        }
    }

    @Test
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void followerBehindThePurgedLogCatchesUpBySnapshotAndItsWatchersMissNothing() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(
                3, dir, config -> config.withSnapshotThreshold(100).withLogSegmentBytes(16 * 1024))) {
            int leader = cluster.awaitLeader();
            int follower = (leader + 1) % 3;
            writeKeys(cluster, leader, "before/", 20);
            ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(10));
            long stoppedRevision = cluster.peer(follower).revision();
            long stoppedIndex = cluster.peer(follower).raft().status().appliedIndex();
            Path followerDir = cluster.config(follower).dataDir();
            Path leaderDir = cluster.config(leader).dataDir();
            cluster.kill(follower);

            int batch = 0;
            // Ratis purges only closed log segments (16 KiB here): the filler rolls them over, and each
            // batch also crosses the 100-entry snapshot threshold
            while (batch < 8 && firstLogIndex(leaderDir).orElse(0) <= stoppedIndex + 1) {
                writeKeys(cluster, leader, "missed/" + batch + "/", 20);
                writeFiller(cluster, leader, 10);
                batch++;
            }
            long leaderFirstIndex = firstLogIndex(leaderDir).orElseThrow();
            log.info(
                    "catch-up by snapshot: follower stopped at index {} revision {}; leader log now starts at {}"
                            + " after {} batches",
                    stoppedIndex,
                    stoppedRevision,
                    leaderFirstIndex,
                    batch);
            assertThat(leaderFirstIndex)
                    .as("the leader purged the entries the follower misses")
                    .isGreaterThan(stoppedIndex + 1);

            cluster.restart(follower);
            // a watcher opened as soon as the peer serves, from the first revision it missed
            List<Event> seen = new ArrayList<>();
            StreamObserver<WatchRequest> requests = WatchGrpc.newStub(cluster.channel(follower))
                    .watch(new StreamObserver<WatchResponse>() {
                        @Override
                        public void onNext(WatchResponse response) {
                            synchronized (seen) {
                                seen.addAll(response.getEventsList());
                            }
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                    });
            try {
                requests.onNext(WatchRequest.newBuilder()
                        .setCreateRequest(WatchCreateRequest.newBuilder()
                                .setKey(bytes("missed/"))
                                .setRangeEnd(ClusterReads.prefixEnd("missed/"))
                                .setStartRevision(stoppedRevision + 1))
                        .build());

                long revision = ClusterReads.awaitSameRevision(cluster, Duration.ofSeconds(30));
                Map<String, String> expected = ClusterReads.contents(cluster, leader, revision);
                assertThat(expected).hasSize(20 + batch * 20 + FILLER_KEYS);
                assertThat(ClusterReads.contents(cluster, follower, revision)).isEqualTo(expected);
                assertThat(ClusterReads.hashKv(cluster, follower, revision))
                        .isEqualTo(ClusterReads.hashKv(cluster, leader, revision));
                assertThat(snapshotIndexes(followerDir))
                        .as("snapshots in the follower's storage")
                        .anyMatch(index -> index >= leaderFirstIndex - 1);

                List<Long> missed = KVGrpc.newBlockingStub(cluster.channel(leader))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .range(RangeRequest.newBuilder()
                                .setKey(bytes("missed/"))
                                .setRangeEnd(ClusterReads.prefixEnd("missed/"))
                                .setRevision(revision)
                                .build())
                        .getKvsList()
                        .stream()
                        .map(kv -> kv.getModRevision())
                        .sorted()
                        .toList();
                assertThat(missed).hasSize(batch * 20);
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    synchronized (seen) {
                        assertThat(seen.stream()
                                        .map(e -> e.getKv().getModRevision())
                                        .toList())
                                .containsExactlyElementsOf(missed);
                    }
                });
            } finally {
                requests.onCompleted();
            }
        }
    }

    private static void writeKeys(StoreCluster cluster, int peer, String prefix, int count) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(cluster.channel(peer));
        for (int i = 0; i < count; i++) {
            kv.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes(prefix + i))
                            .setValue(bytes("value-" + prefix + i))
                            .build());
        }
    }

    private static void writeFiller(StoreCluster cluster, int peer, int count) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(cluster.channel(peer));
        com.google.protobuf.ByteString value = com.google.protobuf.ByteString.copyFrom(new byte[8 * 1024]);
        for (int i = 0; i < count; i++) {
            kv.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("filler/" + i % FILLER_KEYS))
                            .setValue(value)
                            .build());
        }
    }

    /** The lowest index still in a peer's Raft log, from its segment file names. */
    private static OptionalLong firstLogIndex(Path dataDir) throws IOException {
        return filesUnder(dataDir).stream()
                .map(LOG_SEGMENT::matcher)
                .filter(Matcher::matches)
                .mapToLong(m -> Long.parseLong(m.group(1)))
                .min();
    }

    private static List<Long> snapshotIndexes(Path dataDir) throws IOException {
        return filesUnder(dataDir).stream()
                .map(SNAPSHOT::matcher)
                .filter(Matcher::matches)
                .map(m -> Long.parseLong(m.group(2)))
                .toList();
    }

    private static List<String> filesUnder(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
    }
}
