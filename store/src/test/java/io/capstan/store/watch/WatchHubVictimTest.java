package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static io.capstan.store.watch.WatchHubFixture.revisionsOf;
import static io.capstan.store.watch.WatchHubFixture.withoutPrevKv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.proto.etcd.mvcc.Event;
import io.capstan.store.watch.FakeHistory.Op;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubVictimTest {

    private final WatchHubFixture fixture = new WatchHubFixture("victim");
    private final FakeHistory history = fixture.history;

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void slowSinkBecomesVictimWithoutHoldingBackOthersAndLaterCatchesUpInOrder() {
        RecordingSink slow = new RecordingSink();
        RecordingSink fast = new RecordingSink();
        WatchStream slowStream = fixture.hub.openStream(slow);
        long slowId = slowStream.watch(WatchRequest.prefix(bytes("v")));
        long fastId = fixture.hub.openStream(fast).watch(WatchRequest.prefix(bytes("v")));
        long start = history.currentRevision() + 1;
        slow.refuseAll(true);

        for (int i = 0; i < 30; i++) {
            history.write(Op.put("v" + (i % 3), "x" + i), Op.put("v" + (i % 5), "y" + i));
        }
        List<Event> expected = withoutPrevKv(history.all(bytes("v"), bytes("w"), start));

        await().atMost(DEADLINE).until(() -> fast.events(fastId).size() == expected.size());
        assertThat(slow.events(slowId)).isEmpty();
        assertThat(slow.refusals()).isPositive();
        assertThat(fixture.hub.counts().synced()).isEqualTo(1);

        slow.refuseAll(false);
        slowStream.signalReady();
        history.put("v-live", "after catch-up");

        await().atMost(DEADLINE).until(() -> slow.events(slowId).size() == expected.size() + 1);
        assertThat(slow.events(slowId).subList(0, expected.size())).containsExactlyElementsOf(expected);
        assertThat(slow.keys(slowId).get(expected.size())).isEqualTo("v-live");
        await().atMost(DEADLINE).until(() -> fixture.hub.counts().synced() == 2);
    }

    @Test
    void victimInterruptedAgainMidwayResumesWhereItStopped() {
        AtomicInteger budget = new AtomicInteger(0);
        RecordingSink recorded = new RecordingSink();
        // accepts only as many batches as the test grants, like a bounded buffer the consumer drains slowly
        WatchSink bounded = batch -> budget.getAndUpdate(b -> b > 0 ? b - 1 : 0) > 0 && recorded.offer(batch);
        WatchStream stream = fixture.hub.openStream(bounded);
        long id = stream.watch(WatchRequest.key(bytes("b")));
        long start = history.currentRevision() + 1;
        for (int i = 0; i < 20; i++) {
            history.put("b", "v" + i);
        }
        List<Long> expected = revisionsOf(history.all(bytes("b"), bytes(""), start));

        for (int granted = 1; recorded.events(id).size() < expected.size(); granted++) {
            int before = recorded.events(id).size();
            budget.set(1);
            stream.signalReady();
            await().atMost(DEADLINE).until(() -> recorded.events(id).size() > before);
            assertThat(granted).isLessThanOrEqualTo(expected.size());
        }
        assertThat(recorded.revisions(id)).containsExactlyElementsOf(expected);
    }

    @Test
    void victimsAreRetriedOnTheRetryIntervalWithoutASignal() {
        try (WatchHubFixture slowRetry = new WatchHubFixture(
                "victim-retry", WatchHubConfig.defaults().withVictimRetryInterval(Duration.ofMillis(20)))) {
            RecordingSink sink = new RecordingSink();
            long id = slowRetry.hub.openStream(sink).watch(WatchRequest.key(bytes("r")));
            sink.refuseAll(true);
            long revision = slowRetry.history.put("r", "1");
            await().atMost(DEADLINE).until(() -> sink.refusals() > 0);

            sink.refuseAll(false);

            await().atMost(DEADLINE).until(() -> !sink.events(id).isEmpty());
            assertThat(sink.revisions(id)).containsExactly(revision);
        }
    }
}
