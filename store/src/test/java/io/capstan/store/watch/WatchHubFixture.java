package io.capstan.store.watch;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import java.time.Duration;
import java.util.List;

/** Shared setup: a hub over a {@link FakeHistory}, with fast retries and small history chunks. */
final class WatchHubFixture implements AutoCloseable {

    static final Duration DEADLINE = Duration.ofSeconds(10);

    final FakeHistory history = new FakeHistory();
    final WatchHub hub;

    WatchHubFixture(String peerId) {
        this(
                peerId,
                WatchHubConfig.defaults()
                        .withVictimRetryInterval(Duration.ofMillis(5))
                        .withHistoryChunkEvents(4));
    }

    WatchHubFixture(String peerId, WatchHubConfig config) {
        hub = new WatchHub(peerId, history, config);
        history.attach(hub);
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static List<Event> withoutPrevKv(List<Event> events) {
        return events.stream().map(e -> e.toBuilder().clearPrevKv().build()).toList();
    }

    static List<Long> revisionsOf(List<Event> events) {
        return events.stream().map(e -> e.getKv().getModRevision()).toList();
    }

    @Override
    public void close() {
        hub.close();
    }
}
