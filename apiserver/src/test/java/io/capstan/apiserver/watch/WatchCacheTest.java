package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.CacheHarness.watch;
import static io.capstan.apiserver.watch.Fixtures.delete;
import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.put;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage.ListPage;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCacheTest {
    private static final Map<String, String> WEB = Map.of("app", "web");

    private final CacheHarness harness = new CacheHarness();
    private final FakeKvStore store = harness.store;

    @AfterEach
    void close() throws InterruptedException {
        harness.close();
    }

    @Test
    void watchFromListRevisionSeesEveryLaterChangeInOrder() {
        put(store, pod("ns", "a", WEB));
        put(store, pod("ns", "b", WEB));
        WatchCache cache = harness.podCache();
        ListPage list = cache.list(ObjectFilter.everything(ObjectKind.POD)).join();
        long c = put(store, pod("ns", "c", WEB));
        long a = put(store, pod("ns", "a", Map.of("app", "web", "v", "2")));
        long b = delete(store, "ns", "b");

        RecordingSink sink = watch(
                cache,
                WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), Long.parseLong(list.resourceVersion())));
        long d = put(store, pod("ns", "d", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary())
                        .containsExactly(
                                "ADDED ns/c@" + c, "MODIFIED ns/a@" + a, "DELETED ns/b@" + b, "ADDED ns/d@" + d));
    }

    @Test
    void resumeFromTheMiddleOfTheWindowHasNoGapAndNoRepeat() {
        WatchCache cache = harness.podCache();
        long[] revisions = new long[10];
        for (int i = 0; i < revisions.length; i++) {
            revisions[i] = put(store, pod("ns", "p" + i, WEB));
        }

        RecordingSink sink = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), revisions[4]));
        long live = put(store, pod("ns", "p10", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary())
                        .containsExactly(
                                "ADDED ns/p5@" + revisions[5],
                                "ADDED ns/p6@" + revisions[6],
                                "ADDED ns/p7@" + revisions[7],
                                "ADDED ns/p8@" + revisions[8],
                                "ADDED ns/p9@" + revisions[9],
                                "ADDED ns/p10@" + live));
    }

    @Test
    void watchFromNowSkipsEarlierChanges() {
        WatchCache cache = harness.podCache();
        put(store, pod("ns", "before", WEB));

        RecordingSink sink = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long after = put(store, pod("ns", "after", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary()).containsExactly("ADDED ns/after@" + after));
    }

    @Test
    void deletedEventCarriesTheLastStateAtTheRevisionOfTheDeletion() {
        WatchCache cache = harness.podCache();
        put(store, pod("ns", "a", Map.of("app", "web", "tier", "front"), "n1"));
        RecordingSink sink = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));

        long deleted = delete(store, "ns", "a");

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.events()).hasSize(1));
        WatchEvent event = sink.events().get(0);
        assertThat(event.getType()).isEqualTo(WatchEvent.Type.TYPE_DELETED);
        assertThat(event.getObject().getPod().getMetadata().getResourceVersion())
                .isEqualTo(Long.toString(deleted));
        assertThat(event.getObject().getPod().getMetadata().getLabelsMap()).containsEntry("tier", "front");
        assertThat(event.getObject().getPod().getSpec().getNodeName()).isEqualTo("n1");
    }

    @Test
    void resourceVersionOlderThanTheWindowGetsOneOutOfRangeError() {
        WatchCache cache = harness.podCache(WatchCacheConfig.defaults().withWindowCapacity(3));
        long first = put(store, pod("ns", "p0", WEB));
        long[] later = new long[4];
        for (int i = 0; i < later.length; i++) {
            later[i] = put(store, pod("ns", "p" + (i + 1), WEB));
        }

        RecordingSink tooOld = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), first));
        RecordingSink oldestKept = watch(cache, WatchOptions.after(ObjectFilter.everything(ObjectKind.POD), later[0]));

        await().atMost(ofSeconds(10)).until(tooOld::isClosed);
        assertThat(tooOld.summary()).containsExactly("ERROR 11");
        assertThat(tooOld.events().get(0).getError().getMessage()).contains("resourceVersion " + first + " is too old");
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(oldestKept.summary())
                        .containsExactly(
                                "ADDED ns/p2@" + later[1], "ADDED ns/p3@" + later[2], "ADDED ns/p4@" + later[3]));
        assertThat(cache.windowSize()).isEqualTo(3);
        assertThat(cache.watcherCount()).isEqualTo(1);
    }

    @Test
    void initialEventsComeFirstThenTheirBookmarkThenChanges() {
        put(store, pod("ns1", "a", WEB));
        put(store, pod("ns1", "b", Map.of("app", "db")));
        put(store, pod("ns2", "c", WEB));
        WatchCache cache = harness.podCache();
        long a = put(store, pod("ns1", "a", Map.of("app", "web", "v", "2")));
        ObjectFilter webInNs1 = new ObjectFilter(
                ObjectKind.POD,
                "ns1",
                LabelSelector.parse("app=web"),
                ObjectFilter.everything(ObjectKind.POD).fields());

        RecordingSink sink = watch(cache, new WatchOptions(webInNs1, 0, true, true));
        long d = put(store, pod("ns1", "d", WEB));
        put(store, pod("ns2", "e", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sink.summary())
                        .containsExactly("ADDED ns1/a@" + a, "BOOKMARK @" + a + " end", "ADDED ns1/d@" + d));
    }

    @Test
    void sendInitialEventsRequiresBookmarks() {
        assertThatThrownBy(() -> new WatchOptions(ObjectFilter.everything(ObjectKind.POD), 0, true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sendInitialEvents: requires allowBookmarks");
    }

    @Test
    void listAndGetServeTheCachedState() {
        put(store, pod("ns1", "b", WEB));
        put(store, pod("ns1", "a", WEB));
        put(store, pod("ns1", "c", Map.of("app", "db")));
        long last = put(store, pod("ns2", "d", WEB));
        WatchCache cache = harness.podCache();

        ListPage page = cache.list(ObjectFilter.parse(ObjectKind.POD, "ns1", "app=web", ""))
                .join();
        Optional<TypedObject> found = cache.get("ns1", "c").join();
        Optional<TypedObject> missing = cache.get("ns1", "zz").join();

        assertThat(page.items())
                .extracting(o -> o.getPod().getMetadata().getName())
                .containsExactly("a", "b");
        assertThat(page.resourceVersion()).isEqualTo(Long.toString(last));
        assertThat(page.continueToken()).isEmpty();
        assertThat(found).map(o -> o.getPod().getMetadata().getLabelsMap()).contains(Map.of("app", "db"));
        assertThat(missing).isEmpty();
        assertThatThrownBy(() -> cache.get("", "a")).hasMessage("namespace: required for Pod");
    }

    @Test
    void listFollowsWrites() {
        WatchCache cache = harness.podCache();
        long created = put(store, pod("ns", "a", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(cache.list(ObjectFilter.everything(ObjectKind.POD))
                                .join()
                                .items())
                        .extracting(o -> o.getPod().getMetadata().getResourceVersion())
                        .containsExactly(Long.toString(created)));
        delete(store, "ns", "a");
        assertThat(cache.get("ns", "a").join()).isEmpty();
        assertThat(cache.objectCount()).isZero();
    }

    @Test
    void manyWatchersShareOneStoreWatch() {
        WatchCache cache = harness.podCache();
        List<RecordingSink> sinks = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sinks.add(watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD))));
        }

        long created = put(store, pod("ns", "a", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(sinks)
                        .allSatisfy(s -> assertThat(s.summary()).containsExactly("ADDED ns/a@" + created)));
        assertThat(store.watchesOpened()).isEqualTo(1);
        assertThat(cache.watcherCount()).isEqualTo(50);
        assertThat(cache.revision()).isEqualTo(created);
        assertThat(cache.windowSize()).isEqualTo(1);
    }

    @Test
    void closedWatcherIsForgotten() {
        WatchCache cache = harness.podCache();
        RecordingSink sink = new RecordingSink();
        CacheWatcher watcher = cache.watch(WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)), sink);
        assertThat(cache.watcherCount()).isEqualTo(1);

        watcher.close();
        RecordingSink other = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long marker = put(store, pod("ns", "marker", WEB));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(other.summary()).containsExactly("ADDED ns/marker@" + marker));
        assertThat(sink.events()).isEmpty();
        assertThat(cache.watcherCount()).isEqualTo(1);
    }

    @Test
    void closingTheCacheEndsWatchersWithoutAnError() {
        WatchCache cache = harness.podCache();
        RecordingSink sink = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));

        cache.close();

        await().atMost(ofSeconds(10)).until(sink::isClosed);
        assertThat(sink.events()).isEmpty();
        assertThat(store.openWatches()).isZero();
        assertThat(cache.list(ObjectFilter.everything(ObjectKind.POD)))
                .failsWithin(ofSeconds(5))
                .withThrowableThat()
                .withMessageContaining("is closed");
    }

    @Test
    void filterOfAnotherKindIsRejected() {
        WatchCache cache = harness.podCache();

        assertThatThrownBy(() -> cache.watch(
                        WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.NODE)), new RecordingSink()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kind: ");
    }
}
