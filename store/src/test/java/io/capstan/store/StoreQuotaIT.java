package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.AlarmRequest;
import io.capstan.proto.etcd.AlarmResponse;
import io.capstan.proto.etcd.AlarmType;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.DeleteRangeRequest;
import io.capstan.proto.etcd.MaintenanceGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend quota raises NOSPACE and refuses writes until space is freed and the alarm disarmed, as etcd does. */
class StoreQuotaIT {
    private static final long QUOTA_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Test
    void quotaRaisesNoSpaceAndWritesResumeAfterCompactionAndDisarm() throws Exception {
        try (StoreCluster cluster = StoreCluster.start(3, dir, c -> c.withQuotaBytes(QUOTA_BYTES))) {
            ByteString value = ByteString.copyFrom(new byte[1024]);
            int written = 0;
            StatusRuntimeException refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                try {
                    cluster.kv(i % 3)
                            .put(PutRequest.newBuilder()
                                    .setKey(bytes("big/" + i))
                                    .setValue(value)
                                    .build());
                    written++;
                } catch (StatusRuntimeException e) {
                    refused = e;
                }
            }
            if (refused == null) {
                throw new AssertionError("100 puts of 1 KiB fit in a " + QUOTA_BYTES + "-byte quota");
            }
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(refused.getStatus().getDescription()).isEqualTo("etcdserver: mvcc: database space exceeded");
            assertThat(written).isBetween(5, 20);

            var maintenance = MaintenanceGrpc.newBlockingStub(cluster.channel(1));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                AlarmResponse alarms = maintenance.alarm(AlarmRequest.newBuilder()
                        .setAction(AlarmRequest.AlarmAction.GET)
                        .build());
                assertThat(alarms.getAlarmsList())
                        .anySatisfy(a -> assertThat(a.getAlarm()).isEqualTo(AlarmType.NOSPACE));
            });
            // every peer refuses writes while the alarm is up, and what was acknowledged is intact
            for (int peer = 0; peer < 3; peer++) {
                int p = peer;
                assertThatThrownBy(() -> cluster.kv(p)
                                .put(PutRequest.newBuilder()
                                        .setKey(bytes("more"))
                                        .setValue(value)
                                        .build()))
                        .isInstanceOf(StatusRuntimeException.class)
                        .hasMessageContaining("database space exceeded");
                assertThat(cluster.kv(p)
                                .range(RangeRequest.newBuilder()
                                        .setKey(bytes("big/"))
                                        .setRangeEnd(bytes("big0"))
                                        .setCountOnly(true)
                                        .build())
                                .getCount())
                        .isEqualTo(written);
            }

            // free space: delete, compact away the history, then disarm
            long revision = cluster.kv(0)
                    .deleteRange(DeleteRangeRequest.newBuilder()
                            .setKey(bytes("big/"))
                            .setRangeEnd(bytes("big0"))
                            .build())
                    .getHeader()
                    .getRevision();
            cluster.kv(0)
                    .compact(
                            CompactionRequest.newBuilder().setRevision(revision).build());
            // each peer frees the space on its own compactor thread; the quota is checked where a write arrives
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> sizeOf(cluster, 0) < QUOTA_BYTES / 2
                            && sizeOf(cluster, 1) < QUOTA_BYTES / 2
                            && sizeOf(cluster, 2) < QUOTA_BYTES / 2);
            maintenance.alarm(AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                    .setAlarm(AlarmType.NOSPACE)
                    .build());
            // The disarm is acknowledged once the peer that took it applied it; peer 2 refuses writes
            // until it has applied the disarm too, a moment later.
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsMatching(
                            e -> e.getMessage() != null && e.getMessage().contains("space exceeded"))
                    .until(() -> cluster.kv(2)
                                    .put(PutRequest.newBuilder()
                                            .setKey(bytes("after"))
                                            .setValue(bytes("ok"))
                                            .build())
                                    .getHeader()
                                    .getRevision()
                            > 0);
            assertThat(cluster.kv(0)
                            .range(RangeRequest.newBuilder()
                                    .setKey(bytes("after"))
                                    .build())
                            .getKvsCount())
                    .isEqualTo(1);
        }
    }

    private static long sizeOf(StoreCluster cluster, int peer) {
        return MaintenanceGrpc.newBlockingStub(cluster.channel(peer))
                .status(io.capstan.proto.etcd.StatusRequest.getDefaultInstance())
                .getDbSize();
    }
}
