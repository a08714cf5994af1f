package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Five peers tolerate two failures: writes and linearizable reads go on with three. */
class StoreFivePeerIT {
    @TempDir
    Path dir;

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void fivePeersKeepServingWithTwoDown() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(5, dir)) {
            cluster.kv(4)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("five/a"))
                            .setValue(bytes("1"))
                            .build());
            int leader = cluster.awaitLeader();
            List<Integer> down = new ArrayList<>();
            down.add(leader);
            down.add((leader + 1) % 5);
            for (int peer : down) {
                cluster.kill(peer);
            }
            cluster.awaitLeader();
            int survivor = (leader + 2) % 5;
            cluster.kv(survivor)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("five/b"))
                            .setValue(bytes("2"))
                            .build());
            for (int i = 0; i < 5; i++) {
                if (cluster.isRunning(i)) {
                    assertThat(cluster.kv(i)
                                    .range(RangeRequest.newBuilder()
                                            .setKey(bytes("five/"))
                                            .setRangeEnd(bytes("five0"))
                                            .build())
                                    .getCount())
                            .as("keys on peer %d", i)
                            .isEqualTo(2);
                }
            }
        }
    }
}
