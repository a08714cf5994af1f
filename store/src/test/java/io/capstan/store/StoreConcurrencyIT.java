package io.capstan.store;

import static io.capstan.store.ClusterReads.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.KVGrpc;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import io.capstan.proto.etcd.mvcc.KeyValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

class StoreConcurrencyIT {
    private static final Logger log = LoggerFactory.getLogger(StoreConcurrencyIT.class);
    private static final String COUNTER = "counter";
    private static final int CLIENTS = 8;
    private static final int INCREMENTS = 25;
    private static final int ATTEMPTS_PER_INCREMENT = 500;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 55, unit = TimeUnit.SECONDS)
    void compareAndSwapIncrementsFromManyClientsLoseNoUpdate() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (StoreCluster cluster = StoreCluster.start(3, dir)) {
            cluster.kv(0)
                    .put(PutRequest.newBuilder()
                            .setKey(bytes(COUNTER))
                            .setValue(bytes("0"))
                            .build());
            AtomicInteger conflicts = new AtomicInteger();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            long started = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(cluster.channel(c % cluster.size()));
                done.add(clients.submit(() -> {
                    KeyValue seen = read(kv);
                    int applied = 0;
                    for (int i = 0; i < INCREMENTS; i++) {
                        for (int attempt = 0; attempt < ATTEMPTS_PER_INCREMENT; attempt++) {
                            if (System.nanoTime() > deadline) {
                                return applied;
                            }
                            TxnResponse response =
                                    kv.withDeadlineAfter(10, TimeUnit.SECONDS).txn(increment(seen));
                            if (response.getSucceeded()) {
                                applied++;
                                seen = seen.toBuilder()
                                        .setValue(bytes(Long.toString(
                                                Long.parseLong(seen.getValue().toStringUtf8()) + 1)))
                                        .setModRevision(response.getHeader().getRevision())
                                        .build();
                                break;
                            }
                            conflicts.incrementAndGet();
                            seen = response.getResponses(0).getResponseRange().getKvs(0);
                        }
                    }
                    return applied;
                }));
            }
            int applied = 0;
            for (Future<Integer> client : done) {
                applied += client.get(50, TimeUnit.SECONDS);
            }
            log.info(
                    "compare-and-swap: {} increments by {} clients in {} ms with {} conflicts",
                    applied,
                    CLIENTS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    conflicts.get());

            assertThat(applied).isEqualTo(CLIENTS * INCREMENTS);
            for (int peer = 0; peer < cluster.size(); peer++) {
                KeyValue counter = read(cluster.kv(peer));
                assertThat(counter.getValue().toStringUtf8()).isEqualTo(Integer.toString(CLIENTS * INCREMENTS));
                assertThat(counter.getVersion()).isEqualTo(CLIENTS * INCREMENTS + 1);
            }
        } finally {
            clients.shutdownNow();
            clients.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static KeyValue read(KVGrpc.KVBlockingStub kv) {
        return kv.withDeadlineAfter(10, TimeUnit.SECONDS)
                .range(RangeRequest.newBuilder().setKey(bytes(COUNTER)).build())
                .getKvs(0);
    }

    /** Puts value+1 if nobody wrote since {@code seen}; otherwise returns the current value to retry from. */
    private static TxnRequest increment(KeyValue seen) {
        long next = Long.parseLong(seen.getValue().toStringUtf8()) + 1;
        return TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder()
                        .setKey(bytes(COUNTER))
                        .setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL)
                        .setModRevision(seen.getModRevision()))
                .addSuccess(RequestOp.newBuilder()
                        .setRequestPut(
                                PutRequest.newBuilder().setKey(bytes(COUNTER)).setValue(bytes(Long.toString(next)))))
                .addFailure(RequestOp.newBuilder()
                        .setRequestRange(RangeRequest.newBuilder().setKey(bytes(COUNTER))))
                .build();
    }
}
