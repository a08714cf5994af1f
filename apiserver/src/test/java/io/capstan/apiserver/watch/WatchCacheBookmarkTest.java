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
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Periodic bookmarks, with a short interval so that the test sees several. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchCacheBookmarkTest {
    private final CacheHarness harness = new CacheHarness();
    private final FakeKvStore store = harness.store;
    private final WatchCache cache =
            harness.podCache(WatchCacheConfig.defaults().withBookmarkInterval(ofMillis(50)));

    @AfterEach
    void close() throws InterruptedException {
        harness.close();
    }

    @Test
    void bookmarkCarriesOnlyTheKindAndTheResourceVersion() {
        RecordingSink sink = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        long created = put(store, pod("ns", "a", Map.of("app", "web")));

        await().atMost(ofSeconds(10)).until(() -> bookmarks(sink).size() >= 1);

        WatchEvent bookmark = bookmarks(sink).get(0);
        assertThat(bookmark.getObject())
                .isEqualTo(TypedObject.newBuilder()
                        .setPod(Pod.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setResourceVersion(Long.toString(created))))
                        .build());
        assertThat(bookmark.getInitialEventsEnd()).isFalse();
    }

    @Test
    void onlyWatchersThatAllowBookmarksGetThem() {
        RecordingSink allows = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));
        RecordingSink refuses =
                watch(cache, new WatchOptions(ObjectFilter.everything(ObjectKind.POD), 0, false, false));

        await().atMost(ofSeconds(10)).until(() -> bookmarks(allows).size() >= 2);
        // a bookmark queued for `refuses` would precede this event in its stream
        long marker = put(store, pod("ns", "marker", Map.of()));

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(refuses.summary()).containsExactly("ADDED ns/marker@" + marker));
    }

    @Test
    void bookmarksFollowTheStoreRevisionWhenOnlyOtherKindsChange() {
        RecordingSink sink = watch(cache, WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)));

        long elsewhere = putOtherKind(store, "cm");

        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(bookmarks(sink))
                        .last()
                        .extracting(e -> Long.parseLong(
                                e.getObject().getPod().getMetadata().getResourceVersion()))
                        .isEqualTo(elsewhere));
        List<Long> revisions = bookmarks(sink).stream()
                .map(e -> Long.parseLong(e.getObject().getPod().getMetadata().getResourceVersion()))
                .toList();
        assertThat(revisions).isSorted();
    }

    private static List<WatchEvent> bookmarks(RecordingSink sink) {
        return sink.events().stream()
                .filter(e -> e.getType() == WatchEvent.Type.TYPE_BOOKMARK)
                .toList();
    }
}
