package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.HashKVRequest;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads the ITs use to compare peers: whole-keyspace ranges and HashKV, taken from one peer's local state. */
final class ClusterReads {
    static final ByteString ALL = ByteString.copyFrom(new byte[] {0});

    private ClusterReads() {}

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** etcd's prefix range end: the prefix with its last byte incremented. */
    static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    /** Every live key of one peer at {@code revision}, key to value, read serializably (that peer's own state). */
    static Map<String, String> contents(StoreCluster cluster, int peer, long revision) {
        var response = KVGrpc.newBlockingStub(cluster.channel(peer))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .range(RangeRequest.newBuilder()
                        .setKey(ALL)
                        .setRangeEnd(ALL)
                        .setRevision(revision)
                        .setSerializable(true)
                        .build());
        Map<String, String> contents = new LinkedHashMap<>();
        for (KeyValue kv : response.getKvsList()) {
            contents.put(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8());
        }
        return contents;
    }

    static long hashKv(StoreCluster cluster, int peer, long revision) {
        return MaintenanceGrpc.newBlockingStub(cluster.channel(peer))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .hashKV(HashKVRequest.newBuilder().setRevision(revision).build())
                .getHash();
    }

    /** Waits until every running peer has applied up to the leader's revision; returns that revision. */
    static long awaitSameRevision(StoreCluster cluster, Duration deadline) {
        long[] revision = {0};
        await().atMost(deadline).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            long target = cluster.peer(cluster.awaitLeader()).revision();
            for (int i = 0; i < cluster.size(); i++) {
                if (cluster.isRunning(i)) {
                    assertThat(cluster.peer(i).revision())
                            .as("revision of peer %d", i)
                            .isEqualTo(target);
                }
            }
            revision[0] = target;
        });
        return revision[0];
    }
}
