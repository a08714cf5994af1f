package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.CacheHarness.watch;
import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.put;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flow control per watcher, and what happens to one that stops reading. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCacheSlowWatcherTest {
    private static final int BUFFER = 5;

    private final CacheHarness harness = new CacheHarness();
    private final FakeKvStore store = harness.store;
    private final WatchCache cache =
            harness.podCache(WatchCacheConfig.defaults().withWatcherBufferCapacity(BUFFER));

    @AfterEach
    void close() throws InterruptedException {
        harness.close();
    }

    @Test
    void sinkThatIsNotReadyGetsNothingUntilItSignalsReady() {
        RecordingSink sink = new RecordingSink();
        sink.ready(false);
        CacheWatcher watcher = cache.watch(WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)), sink);
        RecordingSink witness = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < BUFFER; i++) {
            expected.add("ADDED ns/p" + i + "@" + put(store, pod("ns", "p" + i, Map.of())));
        }
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(witness.summary()).isEqualTo(expected));
        assertThat(sink.events()).isEmpty();

        sink.ready(true);
        watcher.signalReady();

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary()).isEqualTo(expected));
        assertThat(sink.isClosed()).isFalse();
    }

    @Test
    void watcherThatFallsTooFarBehindIsEndedWhileOthersContinue() {
        RecordingSink slow = new RecordingSink();
        slow.ready(false);
        cache.watch(WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)), slow);
        RecordingSink fast = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long start = cache.revision();
        List<String> expected = new ArrayList<>();

        // bursts the fast watcher's buffer holds, each awaited, so that only the slow one overflows
        for (int burst = 0; burst < 3; burst++) {
            for (int i = 0; i < BUFFER - 1; i++) {
                String name = "p" + burst + "-" + i;
                expected.add("ADDED ns/" + name + "@" + put(store, pod("ns", name, Map.of())));
            }
            await().atMost(ofSeconds(10))
                    .untilAsserted(() -> assertThat(fast.summary()).isEqualTo(expected));
        }

        await().atMost(ofSeconds(10)).until(slow::isClosed);
        assertThat(slow.summary()).containsExactly("ERROR 8");
        assertThat(slow.events().get(0).getError().getMessage())
                .contains("fell more than " + BUFFER + " events behind");
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(fast.summary()).isEqualTo(expected));
        assertThat(cache.watcherCount()).isEqualTo(1);

        // the client resumes from the last resourceVersion it received, which the window still holds
        RecordingSink resumed = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), start));
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(resumed.summary()).isEqualTo(expected));
    }

    @Test
    void replayLongerThanTheBufferIsNotAnOverflow() {
        long start = cache.revision();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4 * BUFFER; i++) {
            expected.add("ADDED ns/p" + i + "@" + put(store, pod("ns", "p" + i, Map.of())));
        }

        RecordingSink sink = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), start));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary()).isEqualTo(expected));
        assertThat(sink.isClosed()).isFalse();
    }
}
