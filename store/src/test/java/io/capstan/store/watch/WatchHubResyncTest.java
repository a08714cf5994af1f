package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.store.watch.FakeHistory.Op;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The state under the hub replaced by a snapshot: synced watchers must replay what the snapshot jumped over. */
class WatchHubResyncTest {

    private final WatchHubFixture fixture = new WatchHubFixture("resync");
    private final FakeHistory history = fixture.history;

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void syncedWatcherReplaysTheRevisionsARestoreJumpedOverThenGoesLive() {
        RecordingSink sink = new RecordingSink();
        WatchStream stream = fixture.hub.openStream(sink);
        long id = stream.watch(WatchRequest.prefix(bytes("k")));
        long first = history.put("k1", "a");
        await().atMost(DEADLINE).until(() -> sink.revisions(id).contains(first));

        long skipped1 = history.writeUnnoticed(Op.put("k2", "b"));
        long skipped2 = history.writeUnnoticed(Op.put("other", "x"), Op.delete("k1"));
        fixture.hub.resync(history.currentRevision());
        long live = history.put("k3", "c");

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(sink.revisions(id)).containsExactly(first, skipped1, skipped2, live));
        assertThat(sink.keys(id)).containsExactly("k1", "k2", "k1", "k3");
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().synced() == 1);
    }

    @Test
    void watcherRegisteredBeforeTheFirstNotificationReplaysARestoredStartingPoint() {
        // a peer that restarts loads its snapshot after the hub was built at revision 1
        long restored = history.writeUnnoticed(Op.put("k1", "a"));
        history.writeUnnoticed(Op.put("k2", "b"));
        RecordingSink sink = new RecordingSink();
        WatchStream stream = fixture.hub.openStream(sink);
        long id = stream.watch(WatchRequest.prefix(bytes("k")).fromRevision(restored));
        fixture.hub.resync(history.currentRevision());
        long live = history.put("k3", "c");

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(sink.revisions(id)).containsExactly(restored, restored + 1, live));
    }
}
