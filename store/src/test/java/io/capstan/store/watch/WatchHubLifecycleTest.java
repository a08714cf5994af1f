package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubLifecycleTest {

    private final WatchHubFixture fixture = new WatchHubFixture("lifecycle");
    private final FakeHistory history = fixture.history;
    private final RecordingSink sink = new RecordingSink();
    private final WatchStream stream = fixture.hub.openStream(sink);

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void cancelStopsDelivery() {
        long cancelled = stream.watch(WatchRequest.key(bytes("a")));
        long marker = stream.watch(WatchRequest.key(bytes("marker")));
        long before = history.put("a", "1");
        await().atMost(DEADLINE).until(() -> !sink.events(cancelled).isEmpty());

        assertThat(stream.cancel(cancelled)).isTrue();
        history.put("a", "2");
        history.put("marker", "done");

        await().atMost(DEADLINE).until(() -> !sink.events(marker).isEmpty());
        assertThat(sink.revisions(cancelled)).containsExactly(before);
        assertThat(stream.cancel(cancelled)).isFalse();
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().watchers() == 1);
    }

    @Test
    void closingTheStreamCancelsAllItsWatchers() {
        stream.watch(WatchRequest.key(bytes("a")));
        stream.watch(WatchRequest.prefix(bytes("b")));
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().synced() == 2);

        stream.close();

        await().atMost(DEADLINE).until(() -> fixture.hub.counts().watchers() == 0);
        assertThatThrownBy(() -> stream.watch(WatchRequest.key(bytes("c")))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void autoIdsStartAtZeroAndSkipExplicitOnes() {
        long explicit = stream.watch(WatchRequest.key(bytes("a")).withWatchId(1));
        long first = stream.watch(WatchRequest.key(bytes("a")));
        long second = stream.watch(WatchRequest.key(bytes("a")));

        assertThat(List.of(explicit, first, second)).containsExactly(1L, 0L, 2L);
    }

    @Test
    void explicitIdInUseIsRejected() {
        stream.watch(WatchRequest.key(bytes("a")).withWatchId(7));

        assertThatThrownBy(() -> stream.watch(WatchRequest.key(bytes("b")).withWatchId(7)))
                .isInstanceOf(DuplicateWatchIdException.class)
                .hasMessageContaining("7");
    }

    @Test
    void sinkThatThrowsLosesOnlyItsOwnWatcher() {
        WatchStream broken = fixture.hub.openStream(batch -> {
            throw new IllegalStateException("transport gone");
        });
        broken.watch(WatchRequest.key(bytes("a")));
        long healthy = stream.watch(WatchRequest.key(bytes("a")));

        history.put("a", "1");
        history.put("a", "2");

        await().atMost(DEADLINE).until(() -> sink.events(healthy).size() == 2);
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().watchers() == 1);
    }

    @Test
    void closeStopsTheHubThreadAndLaterCallsDoNothingOrFail() {
        WatchHubFixture own = new WatchHubFixture("closing");
        RecordingSink ownSink = new RecordingSink();
        WatchStream ownStream = own.hub.openStream(ownSink);
        long id = ownStream.watch(WatchRequest.key(bytes("a")));
        own.history.put("a", "1");
        await().atMost(DEADLINE).until(() -> !ownSink.events(id).isEmpty());
        assertThat(hubThreadAlive("store-closing-watch")).isTrue();

        own.close();

        assertThat(hubThreadAlive("store-closing-watch")).isFalse();
        own.history.put("a", "2"); // notify after close is ignored
        assertThat(ownSink.events(id)).hasSize(1);
        assertThat(ownStream.cancel(id)).isTrue();
        assertThatThrownBy(() -> ownStream.watch(WatchRequest.key(bytes("b"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> own.hub.openStream(new RecordingSink())).isInstanceOf(IllegalStateException.class);
        own.close();
    }

    private static boolean hubThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
