package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubCompactionTest {

    private final WatchHubFixture fixture = new WatchHubFixture("compaction");
    private final FakeHistory history = fixture.history;
    private final RecordingSink sink = new RecordingSink();
    private final WatchStream stream = fixture.hub.openStream(sink);

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void watchFromCompactedRevisionIsCancelledWithCompactRevision() {
        for (int i = 0; i < 10; i++) {
            history.put("c", "v" + i);
        }
        history.compact(6);

        long id = stream.watch(WatchRequest.key(bytes("c")).fromRevision(3));

        await().atMost(DEADLINE)
                .until(() -> !sink.batches(id, WatchBatch.Kind.COMPACTED).isEmpty());
        WatchBatch compacted = sink.batches(id, WatchBatch.Kind.COMPACTED).get(0);
        assertThat(compacted.compactRevision()).isEqualTo(6);
        assertThat(sink.batches(id, WatchBatch.Kind.EVENTS)).isEmpty();
        assertThat(stream.cancel(id)).as("already cancelled by the hub").isFalse();
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().watchers() == 0);
    }

    @Test
    void watchFromTheCompactRevisionItselfReplays() {
        for (int i = 0; i < 10; i++) {
            history.put("c", "v" + i);
        }
        history.compact(6);

        long id = stream.watch(WatchRequest.key(bytes("c")).fromRevision(6));

        await().atMost(DEADLINE).until(() -> sink.events(id).size() == 6);
        assertThat(sink.revisions(id)).containsExactly(6L, 7L, 8L, 9L, 10L, 11L);
    }

    @Test
    void victimWhoseNextRevisionGotCompactedIsCancelledWithCompactRevision() {
        long id = stream.watch(WatchRequest.key(bytes("c")));
        sink.refuseAll(true);
        long firstMissed = history.put("c", "1");
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().victims() == 1);
        history.put("c", "2");
        long compactAt = history.put("c", "3");
        history.compact(compactAt);

        sink.refuseAll(false);
        stream.signalReady();

        await().atMost(DEADLINE)
                .until(() -> !sink.batches(id, WatchBatch.Kind.COMPACTED).isEmpty());
        assertThat(sink.batches(id, WatchBatch.Kind.COMPACTED))
                .extracting(WatchBatch::compactRevision)
                .containsExactly(compactAt);
        assertThat(sink.revisions(id)).doesNotContain(firstMissed);
        assertThat(sink.batches()).extracting(WatchBatch::kind).containsExactly(WatchBatch.Kind.COMPACTED);
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().watchers() == 0);
    }

    @Test
    void compactionBehindAVictimDoesNotCancelIt() {
        long before = history.put("c", "0");
        long id = stream.watch(WatchRequest.key(bytes("c")));
        sink.refuseAll(true);
        long first = history.put("c", "1");
        long second = history.put("c", "2");
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().victims() == 1);
        history.compact(first);

        sink.refuseAll(false);

        await().atMost(DEADLINE).until(() -> sink.events(id).size() == 2);
        assertThat(sink.revisions(id)).containsExactlyElementsOf(List.of(first, second));
        assertThat(sink.revisions(id)).doesNotContain(before);
        assertThat(sink.batches(id, WatchBatch.Kind.COMPACTED)).isEmpty();
    }
}
