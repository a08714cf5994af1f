package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.CacheHarness.watch;
import static io.capstan.apiserver.watch.Fixtures.delete;
import static io.capstan.apiserver.watch.Fixtures.pod;
import static io.capstan.apiserver.watch.Fixtures.put;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.WatchEvent;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Objects entering and leaving a watcher's selection, as kube-apiserver's cacher shows them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCacheSelectorTest {
    private final CacheHarness harness = new CacheHarness();
    private final FakeKvStore store = harness.store;

    @AfterEach
    void close() throws InterruptedException {
        harness.close();
    }

    @Test
    void labelChangesMoveAnObjectInAndOutOfTheSelection() {
        WatchCache cache = harness.podCache();
        RecordingSink web = watch(cache, WatchOptions.fromNow(ObjectFilter.parse(ObjectKind.POD, "", "app=web", "")));

        put(store, pod("ns", "a", Map.of("app", "db")));
        long starts = put(store, pod("ns", "a", Map.of("app", "web")));
        long stays = put(store, pod("ns", "a", Map.of("app", "web", "v", "2")));
        long leaves = put(store, pod("ns", "a", Map.of("app", "db", "v", "3")));
        delete(store, "ns", "a");
        long created = put(store, pod("ns", "b", Map.of("app", "web")));
        long deleted = delete(store, "ns", "b");

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(web.summary())
                        .containsExactly(
                                "ADDED ns/a@" + starts,
                                "MODIFIED ns/a@" + stays,
                                "DELETED ns/a@" + leaves,
                                "ADDED ns/b@" + created,
                                "DELETED ns/b@" + deleted));
        // leaving the selection is reported with the new state, which no longer matches
        WatchEvent left = web.events().get(2);
        assertThat(left.getObject().getPod().getMetadata().getLabelsMap()).containsEntry("app", "db");
    }

    @Test
    void fieldSelectorSeesAPodBoundToItsNode() {
        WatchCache cache = harness.podCache();
        RecordingSink node1 =
                watch(cache, WatchOptions.fromNow(ObjectFilter.parse(ObjectKind.POD, "", "", "spec.nodeName=n1")));
        RecordingSink unscheduled =
                watch(cache, WatchOptions.fromNow(ObjectFilter.parse(ObjectKind.POD, "", "", "spec.nodeName=")));

        long created = put(store, pod("ns", "a", Map.of()));
        long bound = put(store, pod("ns", "a", Map.of(), "n1"));
        long removed = delete(store, "ns", "a");

        await().atMost(ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(node1.summary()).containsExactly("ADDED ns/a@" + bound, "DELETED ns/a@" + removed));
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(unscheduled.summary())
                        .containsExactly("ADDED ns/a@" + created, "DELETED ns/a@" + bound));
    }

    @Test
    void namespaceLimitsTheWatch() {
        WatchCache cache = harness.podCache();
        RecordingSink ns1 = watch(cache, WatchOptions.fromNow(ObjectFilter.parse(ObjectKind.POD, "ns1", "", "")));

        put(store, pod("ns2", "a", Map.of()));
        long inside = put(store, pod("ns1", "a", Map.of()));
        put(store, pod("ns10", "a", Map.of()));
        long marker = put(store, pod("ns1", "marker", Map.of()));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(ns1.summary())
                        .containsExactly("ADDED ns1/a@" + inside, "ADDED ns1/marker@" + marker));
    }

    @Test
    void replayFromTheWindowAppliesTheSameTransitions() {
        WatchCache cache = harness.podCache();
        long from = put(store, pod("ns", "a", Map.of("app", "db")));
        long starts = put(store, pod("ns", "a", Map.of("app", "web")));
        long leaves = put(store, pod("ns", "a", Map.of("app", "db")));

        RecordingSink web =
                watch(cache, WatchOptions.after(ObjectFilter.parse(ObjectKind.POD, "", "app=web", ""), from));

        await().atMost(ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(web.summary()).containsExactly("ADDED ns/a@" + starts, "DELETED ns/a@" + leaves));
    }
}
