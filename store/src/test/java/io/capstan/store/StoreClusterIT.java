package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
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
    void everyPeerServesMetricsAndHealthChecks() throws Exception {
        cluster.kv(0)
                .put(PutRequest.newBuilder()
                        .setKey(bytes("metrics/a"))
                        .setValue(bytes("1"))
                        .build());
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
            InetSocketAddress ops = cluster.peer(i).opsAddress();
            assertThat(ops).isNotNull();
            String base = "http://127.0.0.1:" + ops.getPort();
            int index = i;
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(http.send(
                                            HttpRequest.newBuilder(URI.create(base + "/readyz"))
                                                    .build(),
                                            BodyHandlers.ofString())
                                    .statusCode())
                            .as("readyz of peer %d", index)
                            .isEqualTo(200));
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/healthz"))
                                            .build(),
                                    BodyHandlers.ofString())
                            .body())
                    .isEqualTo("ok\n");
            String metrics = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                    .build(),
                            BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("capstan_store_apply_seconds_count")
                    .contains("capstan_store_commit_seconds")
                    .contains("capstan_store_db_size_bytes")
                    .contains("capstan_store_keys")
                    .contains("capstan_store_watchers")
                    .contains("capstan_store_has_leader{peer=\"p" + (i + 1) + "\"} 1.0");
        }
        String first = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + cluster.peer(0).opsAddress().getPort() + "/metrics"))
                                .build(),
                        BodyHandlers.ofString())
                .body();
        assertThat(first).contains("capstan_store_requests_seconds_count{code=\"OK\",method=\"etcdserverpb.KV/Put\"");
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
