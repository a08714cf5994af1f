package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreClusterIT {
    @TempDir
    static Path dir;

    static StoreCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StoreCluster.start(3, dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void writesThroughAnyPeerAreReadLinearizablyOnEveryPeer() {
        for (int i = 0; i < 3; i++) {
            cluster.kv(i)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("any/" + i))
                            .setValue(bytes("v" + i))
                            .build());
            for (int reader = 0; reader < 3; reader++) {
                RangeResponse read = cluster.kv(reader)
                        .range(RangeRequest.newBuilder()
                                .setKey(bytes("any/" + i))
                                .build());
                assertThat(read.getKvsList()).hasSize(1);
                assertThat(read.getKvs(0).getValue().toStringUtf8()).isEqualTo("v" + i);
            }
        }
    }

    @Test
    void putBumpsTheGlobalRevisionAndKeyVersion() {
        long first = cluster.kv(0)
                .put(PutRequest.newBuilder()
                        .setKey(bytes("rev/a"))
                        .setValue(bytes("1"))
                        .build())
                .getHeader()
                .getRevision();
        long second = cluster.kv(1)
                .put(PutRequest.newBuilder()
                        .setKey(bytes("rev/a"))
                        .setValue(bytes("2"))
                        .build())
                .getHeader()
                .getRevision();
        assertThat(second).isEqualTo(first + 1);
        RangeResponse read = cluster.kv(2)
                .range(RangeRequest.newBuilder().setKey(bytes("rev/a")).build());
        assertThat(read.getKvs(0).getVersion()).isEqualTo(2);
        assertThat(read.getKvs(0).getCreateRevision()).isEqualTo(first);
        assertThat(read.getKvs(0).getModRevision()).isEqualTo(second);
    }

    @Test
    void emptyKeyIsRefusedWithEtcdsError() {
        assertThatThrownBy(() -> cluster.kv(0)
                        .put(PutRequest.newBuilder().setValue(bytes("x")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: key is not provided");
                });
    }
}
