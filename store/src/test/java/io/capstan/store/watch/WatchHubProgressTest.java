package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubProgressTest {

    private final WatchHubFixture fixture = new WatchHubFixture(
            "progress",
            WatchHubConfig.defaults()
                    .withProgressInterval(Duration.ofMillis(30))
                    .withVictimRetryInterval(Duration.ofMillis(5)));
    private final FakeHistory history = fixture.history;

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void idleSyncedWatchersWithProgressNotifyGetTheCurrentRevisionPeriodically() {
        RecordingSink sink = new RecordingSink();
        WatchStream stream = fixture.hub.openStream(sink);
        long notified = stream.watch(WatchRequest.key(bytes("idle")).withProgressNotify());
        long silent = stream.watch(WatchRequest.key(bytes("idle")));
        long current = history.put("elsewhere", "v");

        await().atMost(DEADLINE)
                .until(() -> sink.batches(notified, WatchBatch.Kind.PROGRESS).stream()
                                .filter(b -> b.revision() == current)
                                .count()
                        >= 2);
        assertThat(sink.batches(silent, WatchBatch.Kind.PROGRESS)).isEmpty();
        assertThat(sink.batches(notified, WatchBatch.Kind.PROGRESS))
                .extracting(WatchBatch::revision)
                .allMatch(revision -> revision <= current);
    }

    @Test
    void progressRevisionIsNeverBelowAnEventAlreadySent() {
        RecordingSink sink = new RecordingSink();
        long id =
                fixture.hub.openStream(sink).watch(WatchRequest.key(bytes("k")).withProgressNotify());
        for (int i = 0; i < 50; i++) {
            history.put("k", "v" + i);
        }
        long last = history.currentRevision();

        await().atMost(DEADLINE)
                .until(() -> sink.batches(id, WatchBatch.Kind.PROGRESS).stream().anyMatch(b -> b.revision() == last));
        long highestEventSoFar = 0;
        for (WatchBatch batch : sink.batches()) {
            if (batch.kind() == WatchBatch.Kind.EVENTS) {
                highestEventSoFar = batch.revision();
            } else {
                assertThat(batch.revision()).isGreaterThanOrEqualTo(highestEventSoFar);
            }
        }
    }

    @Test
    void requestProgressIsAnsweredWithCurrentRevisionWhenAllWatchersAreSynced() {
        RecordingSink sink = new RecordingSink();
        WatchStream stream = fixture.hub.openStream(sink);
        stream.watch(WatchRequest.key(bytes("a")));
        long current = history.put("b", "v");

        stream.requestProgress();

        await().atMost(DEADLINE)
                .until(() -> !sink.batches(WatchBatch.ALL_WATCHERS, WatchBatch.Kind.PROGRESS)
                        .isEmpty());
        assertThat(sink.batches(WatchBatch.ALL_WATCHERS, WatchBatch.Kind.PROGRESS))
                .extracting(WatchBatch::revision)
                .containsExactly(current);
    }

    @Test
    void requestProgressIsDeferredUntilAVictimHasCaughtUp() {
        RecordingSink sink = new RecordingSink();
        WatchStream stream = fixture.hub.openStream(sink);
        long id = stream.watch(WatchRequest.key(bytes("a")));
        RecordingSink markerSink = new RecordingSink();
        long marker = fixture.hub.openStream(markerSink).watch(WatchRequest.key(bytes("marker")));
        sink.refuseEvents(true);
        long missed = history.put("a", "1");
        await().atMost(DEADLINE).until(() -> sink.refusals() > 0);

        stream.requestProgress();
        history.put("marker", "after the request");
        await().atMost(DEADLINE).until(() -> !markerSink.events(marker).isEmpty());
        assertThat(sink.batches(WatchBatch.ALL_WATCHERS, WatchBatch.Kind.PROGRESS))
                .isEmpty();

        sink.refuseEvents(false);
        stream.signalReady();

        await().atMost(DEADLINE)
                .until(() -> !sink.batches(WatchBatch.ALL_WATCHERS, WatchBatch.Kind.PROGRESS)
                        .isEmpty());
        List<WatchBatch> batches = sink.batches();
        assertThat(batches)
                .extracting(WatchBatch::kind)
                .containsExactly(WatchBatch.Kind.EVENTS, WatchBatch.Kind.PROGRESS);
        assertThat(sink.revisions(id)).containsExactly(missed);
        assertThat(batches.get(1).revision()).isGreaterThanOrEqualTo(missed);
    }
}
