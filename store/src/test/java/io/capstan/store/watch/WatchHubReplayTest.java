package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static io.capstan.store.watch.WatchHubFixture.revisionsOf;
import static io.capstan.store.watch.WatchHubFixture.withoutPrevKv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.store.watch.FakeHistory.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubReplayTest {

    private final WatchHubFixture fixture = new WatchHubFixture("replay");
    private final FakeHistory history = fixture.history;

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void replaysFromStartRevisionThenGoesLiveWithoutLossOrRepeatWhileWritesContinue() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 40; i++) {
            writeRandomTxn(random);
        }
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Void> writes = CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 400; i++) {
                            writeRandomTxn(random);
                        }
                    },
                    writer);
            RecordingSink sink = new RecordingSink();
            WatchStream stream = fixture.hub.openStream(sink);
            Map<Long, Long> startById = new HashMap<>();
            for (long start : List.of(2L, 7L, 20L, 33L, 41L)) {
                startById.put(stream.watch(WatchRequest.prefix(bytes("k")).fromRevision(start)), start);
            }
            // and some created while the writer is well under way, starting just behind it
            for (int i = 0; i < 5; i++) {
                long start = Math.max(2, history.currentRevision() - 3);
                startById.put(stream.watch(WatchRequest.prefix(bytes("k")).fromRevision(start)), start);
            }
            writes.get();

            startById.forEach((id, start) -> {
                List<Event> expected =
                        withoutPrevKv(history.all(bytes("k"), WatchRequest.prefixEnd(bytes("k")), start));
                await("watcher " + id + " from " + start + " (seed " + seed + ")")
                        .atMost(DEADLINE)
                        .untilAsserted(() -> assertThat(revisionsOf(sink.events(id)))
                                .containsExactlyElementsOf(revisionsOf(expected)));
                assertThat(sink.events(id)).containsExactlyElementsOf(expected);
                assertRevisionsNeverSplit(sink.batches(id, WatchBatch.Kind.EVENTS));
            });
            await().atMost(DEADLINE).until(() -> fixture.hub.counts().synced() == startById.size());
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void watchFromNowSeesOnlyLaterWrites() {
        history.put("a", "before");
        RecordingSink sink = new RecordingSink();
        long id = fixture.hub.openStream(sink).watch(WatchRequest.key(bytes("a")));
        long later = history.put("a", "after");

        await().atMost(DEADLINE).until(() -> !sink.events(id).isEmpty());
        assertThat(sink.revisions(id)).containsExactly(later);
        assertThat(sink.batches(id, WatchBatch.Kind.EVENTS).get(0).revision()).isEqualTo(later);
    }

    @Test
    void futureStartRevisionWaitsForThatRevision() {
        long current = history.currentRevision();
        RecordingSink sink = new RecordingSink();
        long id =
                fixture.hub.openStream(sink).watch(WatchRequest.key(bytes("a")).fromRevision(current + 3));
        history.put("a", "1");
        history.put("a", "2");
        long third = history.put("a", "3");
        long fourth = history.put("a", "4");

        await().atMost(DEADLINE).until(() -> sink.events(id).size() == 2);
        assertThat(sink.revisions(id)).containsExactly(third, fourth);
    }

    @Test
    void allEventsOfOneRevisionArriveInOneBatch() {
        RecordingSink sink = new RecordingSink();
        long id = fixture.hub.openStream(sink).watch(WatchRequest.prefix(bytes("t")));
        long revision = history.write(Op.put("t1", "x"), Op.put("t2", "x"), Op.put("u", "x"), Op.put("t3", "x"));

        await().atMost(DEADLINE).until(() -> !sink.events(id).isEmpty());
        List<WatchBatch> batches = sink.batches(id, WatchBatch.Kind.EVENTS);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).revision()).isEqualTo(revision);
        assertThat(sink.keys(id)).containsExactly("t1", "t2", "t3");
    }

    /** Writes one txn of one to five ops over keys k0..k9 (a prefix watch sees them all) and x (it sees none). */
    private void writeRandomTxn(Random random) {
        int size = 1 + random.nextInt(5);
        List<Op> ops = new ArrayList<>();
        for (int j = 0; j < size; j++) {
            String key = random.nextInt(10) == 0 ? "x" : "k" + random.nextInt(10);
            ops.add(random.nextInt(4) == 0 ? Op.delete(key) : Op.put(key, "v" + random.nextInt(1000)));
        }
        history.write(ops.toArray(Op[]::new));
    }

    private static void assertRevisionsNeverSplit(List<WatchBatch> batches) {
        Map<Long, Integer> batchOfRevision = new HashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            for (Event event : batches.get(i).events()) {
                Integer earlier = batchOfRevision.putIfAbsent(event.getKv().getModRevision(), i);
                assertThat(earlier)
                        .as("batch of revision %d", event.getKv().getModRevision())
                        .isIn(null, i);
            }
        }
    }
}
