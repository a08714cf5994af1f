package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.CacheHarness.watch;
import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.put;
import static io.capstan.apiserver.watch.Fixtures.putOtherKind;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage.ListPage;
import io.capstan.apiserver.storage.StoreUnavailableException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A request for a revision the cache has not seen waits for store progress, not for the next event. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCacheFreshnessTest {
    private final CacheHarness harness = new CacheHarness();
    private final FakeKvStore store = harness.store;

    @AfterEach
    void close() throws InterruptedException {
        harness.close();
    }

    @Test
    void watchFromARevisionOfAnotherKindWaitsForProgressThenMissesNothing() {
        WatchCache cache = harness.podCache();
        store.answerProgress(false);
        long elsewhere = putOtherKind(store, "cm");

        RecordingSink sink = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), elsewhere));

        await().atMost(ofSeconds(10)).until(() -> store.progressRequests() > 0);
        assertThat(cache.watcherCount()).isZero();
        assertThat(cache.revision()).isLessThan(elsewhere);
        store.sendProgress();
        await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == 1);
        long created = put(store, pod("ns", "a", Map.of()));
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary()).containsExactly("ADDED ns/a@" + created));
        assertThat(cache.revision()).isEqualTo(created);
    }

    @Test
    void aChangeOfTheKindAlsoBringsTheCacheUpToDate() {
        WatchCache cache = harness.podCache();
        store.answerProgress(false);
        long elsewhere = putOtherKind(store, "cm");

        RecordingSink sink = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), elsewhere));
        long created = put(store, pod("ns", "a", Map.of()));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary()).containsExactly("ADDED ns/a@" + created));
    }

    @Test
    void answeredProgressStartsTheWatchPromptly() {
        WatchCache cache = harness.podCache();
        long elsewhere = putOtherKind(store, "cm");

        watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), elsewhere));

        await().atMost(ofSeconds(2)).until(() -> cache.watcherCount() == 1);
        assertThat(cache.revision()).isEqualTo(elsewhere);
    }

    @Test
    void aRevisionNeverReachedEndsTheWatchAsUnavailable() {
        WatchCache cache = harness.podCache(WatchCacheConfig.defaults().withFreshnessTimeout(ofMillis(300)));
        long now = store.revision();

        RecordingSink sink = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), now + 1_000));

        await().atMost(ofSeconds(10)).until(sink::isClosed);
        assertThat(sink.summary()).containsExactly("ERROR 14");
        assertThat(sink.events().get(0).getError().getMessage())
                .contains("has not reached resourceVersion " + (now + 1_000));
        assertThat(cache.watcherCount()).isZero();
    }

    @Test
    void listWaitsForTheFirstListAndFailsAsUnavailableIfItNeverComes() {
        store.failRanges(FakeKvStore.unavailable());
        try (WatchCache cache = new WatchCache(
                ObjectKind.POD,
                store,
                WatchCacheConfig.defaults()
                        .withFreshnessTimeout(ofMillis(300))
                        .withRetryInterval(ofMillis(20), ofMillis(50)),
                harness.scheduler,
                harness.senders)) {
            cache.start();

            CompletableFuture<ListPage> early = cache.list(ObjectFilter.everything(ObjectKind.POD));

            assertThat(early)
                    .failsWithin(ofSeconds(10))
                    .withThrowableThat()
                    .havingCause()
                    .isInstanceOf(StoreUnavailableException.class)
                    .withMessageContaining("is not ready");
            long created = put(store, pod("ns", "a", Map.of()));
            store.failRanges(null);
            assertThat(cache.list(ObjectFilter.everything(ObjectKind.POD)))
                    .succeedsWithin(ofSeconds(10))
                    .extracting(ListPage::resourceVersion)
                    .isEqualTo(Long.toString(created));
        }
    }
}
