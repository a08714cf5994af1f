package io.capstan.apiserver.service;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.KvStore;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.Compare;
import io.capstan.proto.etcd.PutRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RequestOp;
import io.capstan.proto.etcd.TxnRequest;
import io.capstan.proto.etcd.TxnResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the store's history periodically, as kube-apiserver does: at each tick it compacts up to
 * the revision it saw at the previous tick, so one interval of history (5 minutes by default) stays
 * for watches to resume from. Every server runs one, and a shared key makes exactly one of them
 * compact per tick: a server compacts only if the key's version is still the one it last saw, and
 * bumps it in the same transaction; the others just learn the new version.
 */
final class Compactor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);
    static final String KEY = "/capstan/compaction";

    private final KvStore kv;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private @Nullable ScheduledFuture<?> ticking;
    private long seenVersion;
    private long previousRevision;
    private volatile long compactedRevision;

    Compactor(KvStore kv, Duration interval, Duration timeout) {
        this.kv = kv;
        this.interval = interval;
        this.timeout = timeout;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "api-compactor");
            t.setDaemon(true);
            return t;
        });
    }

    Compactor start() {
        long millis = interval.toMillis();
        ticking = timer.scheduleWithFixedDelay(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The revision this server last compacted to; 0 if it never has. */
    long compactedRevision() {
        return compactedRevision;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("compaction tick failed; trying again next interval: {}", e.toString());
        }
    }

    /** One tick: claim it, compact to the revision seen last tick, remember this tick's revision. */
    synchronized void tick() {
        ByteString key = ByteString.copyFromUtf8(KEY);
        TxnResponse response = Futures.await(
                kv.txn(TxnRequest.newBuilder()
                        .addCompare(Compare.newBuilder()
                                .setKey(key)
                                .setTarget(Compare.CompareTarget.VERSION)
                                .setResult(Compare.CompareResult.EQUAL)
                                .setVersion(seenVersion))
                        .addSuccess(RequestOp.newBuilder()
                                .setRequestPut(PutRequest.newBuilder().setKey(key)))
                        .addFailure(RequestOp.newBuilder()
                                .setRequestRange(RangeRequest.newBuilder().setKey(key)))
                        .build()),
                timeout);
        long revision = response.getHeader().getRevision();
        if (!response.getSucceeded()) {
            // Another server took this tick; follow its count and start our window afresh.
            var kvs = response.getResponses(0).getResponseRange().getKvsList();
            seenVersion = kvs.isEmpty() ? 0 : kvs.get(0).getVersion();
            previousRevision = revision;
            return;
        }
        seenVersion++;
        long target = previousRevision;
        previousRevision = revision;
        if (target > 0) {
            Futures.await(
                    kv.compact(
                            CompactionRequest.newBuilder().setRevision(target).build()),
                    timeout);
            compactedRevision = target;
            log.info("compacted the store to revision {}", target);
        }
    }

    @Override
    public void close() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        timer.shutdownNow();
    }
}
