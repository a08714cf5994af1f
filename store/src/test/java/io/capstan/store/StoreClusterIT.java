package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
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
    void oversizedRequestsAndTooManyOpsAreRefusedAndThePeerStaysHealthy() {
        // As etcd: above --max-request-bytes (1.5 MiB) the server answers "request is too large";
        // beyond that plus 512 KiB of framing allowance gRPC itself refuses the message.
        ByteString overLimit = ByteString.copyFrom(new byte[1600 * 1024]);
        assertThatThrownBy(() -> cluster.kv(1)
                        .put(PutRequest.newBuilder()
                                .setKey(bytes("huge"))
                                .setValue(overLimit)
                                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: request is too large");
                });
        ByteString beyondFraming = ByteString.copyFrom(new byte[3 * 1024 * 1024]);
        assertThatThrownBy(() -> cluster.kv(1)
                        .put(PutRequest.newBuilder()
                                .setKey(bytes("huge"))
                                .setValue(beyondFraming)
                                .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        for (int i = 0; i < 129; i++) {
            txn.addSuccess(RequestOp.newBuilder()
                    .setRequestPut(
                            PutRequest.newBuilder().setKey(bytes("ops/" + i)).setValue(bytes("v"))));
        }
        assertThatThrownBy(() -> cluster.kv(2).txn(txn.build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription())
                                .isEqualTo("etcdserver: too many operations in txn request"));

        assertThat(cluster.kv(0)
                        .range(RangeRequest.newBuilder().setKey(bytes("huge")).build())
                        .getKvsCount())
                .isZero();
        assertThat(cluster.kv(0)
                        .range(RangeRequest.newBuilder()
                                .setKey(bytes("ops/"))
                                .setRangeEnd(bytes("ops0"))
                                .build())
                        .getKvsCount())
                .isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(HealthGrpc.newBlockingStub(cluster.channel(i))
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            cluster.kv(i)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes("still/" + i))
                            .setValue(bytes("ok"))
                            .build());
        }
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
