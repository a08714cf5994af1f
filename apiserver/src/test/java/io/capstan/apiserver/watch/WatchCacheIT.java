package io.capstan.apiserver.watch;

import static io.capstan.apiserver.watch.Fixtures.pod;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.EmbeddedKvStore;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.apiserver.storage.ObjectStorage;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.store.StoreCluster;
import io.capstan.store.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The watch cache over the in-process store, as the API server in the leader's JVM runs it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WatchCacheIT {
    private static final int WATCHERS = 1_000;

    @Test
    void thousandWatchersSeeEveryWriteInOrderThroughOneStoreWatch(@TempDir Path root) throws Exception {
        try (StoreCluster cluster = StoreCluster.start(3, root)) {
            StoreServer leader = cluster.peer(cluster.awaitLeader());
            try (EmbeddedKvStore embedded =
                            new EmbeddedKvStore(leader.store(), leader.clientAddress(), Duration.ofSeconds(10));
                    RecordingKvStore kv = new RecordingKvStore(embedded);
                    WatchCaches caches = new WatchCaches(kv, WatchCacheConfig.defaults())) {
                ObjectStorage storage = new ObjectStorage(embedded);
                WatchCache cache = caches.cache(ObjectKind.POD);
                await().atMost(ofSeconds(20)).until(cache::hasSynced);
                List<RecordingSink> sinks = new ArrayList<>();
                for (int i = 0; i < WATCHERS; i++) {
                    RecordingSink sink = new RecordingSink();
                    cache.watch(WatchOptions.fromNow(ObjectFilter.everything(ObjectKind.POD)), sink);
                    sinks.add(sink);
                }
                await().atMost(ofSeconds(10)).until(() -> cache.watcherCount() == WATCHERS);

                List<String> expected = writeHistory(storage);

                await().atMost(ofSeconds(45))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> sinks.stream().allMatch(s -> s.count() >= expected.size()));
                for (RecordingSink sink : sinks) {
                    assertThat(sink.summary()).isEqualTo(expected);
                }
                // one list and one store watch serve every watcher; a store answering "no leader"
                // on a loaded machine may make the cache list or watch again, never once per watcher
                assertThat(kv.watches()).isBetween(1, 3);
                assertThat(kv.ranges()).isBetween(1, 3);
                assertThat(cache.watcherCount()).isEqualTo(WATCHERS);
                assertThat(cache.windowSize()).isEqualTo(expected.size());
            }
        }
    }

    /** 100 creates, 150 updates and 50 deletes of pods, one after another; returns the events they mean. */
    private static List<String> writeHistory(ObjectStorage storage) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TypedObject created = storage.create(pod("ns" + (i % 3), "p" + i, Map.of("i", Integer.toString(i))))
                    .join();
            expected.add("ADDED " + name(created));
        }
        for (int i = 0; i < 150; i++) {
            int target = (i * 7) % 100;
            TypedObject updated = storage.update(
                            pod("ns" + (target % 3), "p" + target, Map.of("i", Integer.toString(target), "u", "" + i)))
                    .join();
            expected.add("MODIFIED " + name(updated));
        }
        for (int i = 0; i < 50; i++) {
            TypedObject deleted = storage.delete(ObjectKind.POD, "ns" + (i % 3), "p" + i, Optional.empty())
                    .join();
            expected.add("DELETED " + name(deleted));
        }
        return expected;
    }

    private static String name(TypedObject object) {
        var meta = object.getPod().getMetadata();
        return meta.getNamespace() + "/" + meta.getName() + "@" + meta.getResourceVersion();
    }
}
