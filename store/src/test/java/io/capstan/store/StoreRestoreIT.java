package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.MemberAddRequest;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.SnapshotRequest;
import io.capstan.proto.etcd.SnapshotResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disaster recovery as etcd offers it: snapshot save, restore into one peer, grow back to three. */
class StoreRestoreIT {
    @TempDir
    Path dir;

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void snapshotRestoresIntoANewSinglePeerClusterThatGrowsBackToThree() throws Exception {
        Path snapshot = dir.resolve("backup.snap");
        long revision;
        try (StoreCluster old = StoreCluster.start(3, dir.resolve("old"))) {
            for (int i = 0; i < 50; i++) {
                old.kv(i % 3)
                        .put(PutRequest.newBuilder()
                                .setKey(bytes("restore/" + i))
                                .setValue(bytes("v" + i))
                                .build());
            }
            revision = old.kv(0)
                    .range(RangeRequest.newBuilder().setKey(bytes("restore/0")).build())
                    .getHeader()
                    .getRevision();
            try (OutputStream out = Files.newOutputStream(snapshot)) {
                Iterator<SnapshotResponse> chunks = MaintenanceGrpc.newBlockingStub(old.channel(1))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .snapshot(SnapshotRequest.getDefaultInstance());
                while (chunks.hasNext()) {
                    chunks.next().getBlob().writeTo(out);
                }
            }
        }
        assertThat(Files.size(snapshot)).isPositive();

        List<Integer> ports = StoreCluster.freePorts(3);
        Map<String, String> single = new LinkedHashMap<>();
        single.put("n1", "http://127.0.0.1:" + ports.get(0));
        StoreConfig first = StoreConfig.of("n1", dir.resolve("n1"), "127.0.0.1:0", "127.0.0.1:" + ports.get(0), single)
                .withClusterToken("restored");
        StoreServer.restore(first, snapshot);

        List<StoreServer> servers = new ArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            StoreServer n1 = new StoreServer(first).start();
            servers.add(n1);
            ManagedChannel c1 = channel(n1, channels);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> n1.raft().status().isLeader());

            RangeResponse all = KVGrpc.newBlockingStub(c1)
                    .range(RangeRequest.newBuilder()
                            .setKey(bytes("restore/"))
                            .setRangeEnd(bytes("restore0"))
                            .build());
            assertThat(all.getCount()).isEqualTo(50);
            assertThat(all.getHeader().getRevision()).isEqualTo(revision);
            long next = KVGrpc.newBlockingStub(c1)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("after"))
                            .setValue(bytes("restore"))
                            .build())
                    .getHeader()
                    .getRevision();
            assertThat(next).isEqualTo(revision + 1);

            // Grow back to three: record each member, then start its peer, as with etcd.
            for (int i = 1; i < 3; i++) {
                String name = "n" + (i + 1);
                String peerUrl = "http://127.0.0.1:" + ports.get(i);
                io.capstan.proto.etcd.ClusterGrpc.newBlockingStub(c1)
                        .memberAdd(MemberAddRequest.newBuilder()
                                .addPeerURLs(peerUrl)
                                .build());
                Map<String, String> initial = new LinkedHashMap<>(single);
                initial.put(name, peerUrl);
                StoreConfig joiner = StoreConfig.of(
                                name, dir.resolve(name), "127.0.0.1:0", "127.0.0.1:" + ports.get(i), initial)
                        .withClusterToken("restored")
                        .withJoinExisting(true);
                servers.add(new StoreServer(joiner).start());
                int expected = i + 1;
                await().atMost(Duration.ofSeconds(40))
                        .until(() -> n1.raft().peers().size() == expected);
            }
            for (StoreServer server : servers) {
                ManagedChannel channel = channel(server, channels);
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(KVGrpc.newBlockingStub(channel)
                                        .range(RangeRequest.newBuilder()
                                                .setKey(bytes("after"))
                                                .setSerializable(true)
                                                .build())
                                        .getKvsCount())
                                .isEqualTo(1));
                assertThat(KVGrpc.newBlockingStub(channel)
                                .range(RangeRequest.newBuilder()
                                        .setKey(bytes("restore/"))
                                        .setRangeEnd(bytes("restore0"))
                                        .setCountOnly(true)
                                        .build())
                                .getCount())
                        .isEqualTo(50);
            }
        } finally {
            for (ManagedChannel channel : channels) {
                channel.shutdownNow();
            }
            for (StoreServer server : servers) {
                server.close();
            }
        }
    }

    private static ManagedChannel channel(StoreServer server, List<ManagedChannel> channels) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(server.clientAddress())
                .usePlaintext()
                .build();
        channels.add(channel);
        return channel;
    }
}
