package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.CacheHarness.watch;
import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.put;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A store watch that breaks: resumed where it can be, relisted where it cannot. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCacheRecoveryTest {
    private final CacheHarness harness = new CacheHarness();
    private final FakeKvStore store = harness.store;
    private final WatchCache cache =
            harness.podCache(WatchCacheConfig.defaults().withRetryInterval(ofMillis(20), ofMillis(100)));

    @AfterEach
    void close() throws InterruptedException {
        harness.close();
    }

    @Test
    void brokenStoreWatchResumesWithoutTheWatchersNoticing() {
        RecordingSink sink = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long before = put(store, pod("ns", "a", Map.of()));

        store.failWatches(FakeKvStore.unavailable());
        long during = put(store, pod("ns", "b", Map.of()));
        await().atMost(ofSeconds(10)).until(() -> store.openWatches() == 1);
        long after = put(store, pod("ns", "c", Map.of()));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary())
                        .containsExactly("ADDED ns/a@" + before, "ADDED ns/b@" + during, "ADDED ns/c@" + after));
        assertThat(store.watchesOpened()).isEqualTo(2);
        assertThat(sink.isClosed()).isFalse();
    }

    @Test
    void compactedPositionRelistsAndSendsWatchersOutOfRange() {
        RecordingSink old = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long seen = put(store, pod("ns", "a", Map.of()));
        await().atMost(ofSeconds(10)).until(() -> old.events().size() == 1);

        long[] missed = new long[1];
        store.disconnect(FakeKvStore.unavailable(), () -> {
            missed[0] = put(store, pod("ns", "b", Map.of()));
            store.compact(missed[0]);
        });

        await().atMost(ofSeconds(10)).until(old::isClosed);
        assertThat(old.summary()).containsExactly("ADDED ns/a@" + seen, "ERROR 11");
        await().atMost(ofSeconds(10)).until(() -> cache.revision() == missed[0] && cache.watcherCount() == 0);
        assertThat(cache.get("ns", "b").join()).isPresent();

        // the client relists (from the cache here) and watches from the list's resourceVersion
        long listed = Long.parseLong(
                cache.list(ObjectFilter.everything(ObjectKind.POD)).join().resourceVersion());
        RecordingSink fresh = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), listed));
        long next = put(store, pod("ns", "c", Map.of()));
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(fresh.summary()).containsExactly("ADDED ns/c@" + next));
        RecordingSink tooOld = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), seen));
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(tooOld.summary()).containsExactly("ERROR 11"));
    }

    @Test
    void compactionReportedByTheLiveWatchAlsoRelists() {
        RecordingSink old = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long created = put(store, pod("ns", "a", Map.of()));
        store.compact(created);

        store.compactWatches();

        await().atMost(ofSeconds(10)).until(old::isClosed);
        assertThat(old.summary()).containsExactly("ADDED ns/a@" + created, "ERROR 11");
        await().atMost(ofSeconds(10)).until(() -> store.openWatches() == 1);
        assertThat(store.watchesOpened()).isEqualTo(2);
    }
}
