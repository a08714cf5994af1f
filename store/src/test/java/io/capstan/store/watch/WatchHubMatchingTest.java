package io.capstan.store.watch;

import static io.capstan.store.watch.WatchHubFixture.DEADLINE;
import static io.capstan.store.watch.WatchHubFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.capstan.proto.etcd.mvcc.Event;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchHubMatchingTest {

    private final WatchHubFixture fixture = new WatchHubFixture("matching");
    private final FakeHistory history = fixture.history;
    private final RecordingSink sink = new RecordingSink();
    private final WatchStream stream = fixture.hub.openStream(sink);

    @AfterEach
    void closeHub() {
        fixture.close();
    }

    @Test
    void singleKeyWatcherSeesOnlyThatKey() {
        long id = stream.watch(WatchRequest.key(bytes("a")));
        writeKeys("", "a0", "b", "A", "a");

        await().atMost(DEADLINE).until(() -> !sink.events(id).isEmpty());
        assertThat(sink.keys(id)).containsExactly("a");
    }

    @Test
    void rangeWatcherSeesKeysFromStartUpToButExcludingEnd() {
        long id = stream.watch(WatchRequest.range(bytes("b"), bytes("d")));
        writeKeys("a", "b", "bz", "c\u00ff", "d", "da", "e", "c");

        await().atMost(DEADLINE).until(() -> sink.keys(id).contains("c"));
        assertThat(sink.keys(id)).containsExactly("b", "bz", "c\u00ff", "c");
    }

    @Test
    void prefixWatcherSeesKeysWithThePrefix() {
        long id = stream.watch(WatchRequest.prefix(bytes("/registry/pods/")));
        writeKeys("/registry/pods", "/registry/pods/ns/a", "/registry/podsx", "/registry/pods/ns/b");

        await().atMost(DEADLINE).until(() -> sink.events(id).size() == 2);
        assertThat(sink.keys(id)).containsExactly("/registry/pods/ns/a", "/registry/pods/ns/b");
    }

    @Test
    void nulRangeEndMeansEveryKeyFromTheStartKey() {
        long id = stream.watch(WatchRequest.range(bytes("m"), ByteString.copyFrom(new byte[] {0})));
        writeKeys("a", "l\u00ff", "m", "zzz");

        await().atMost(DEADLINE).until(() -> sink.events(id).size() == 2);
        assertThat(sink.keys(id)).containsExactly("m", "zzz");
    }

    @Test
    void prefixEndFollowsEtcdRules() {
        assertThat(WatchRequest.prefixEnd(bytes("abc"))).isEqualTo(bytes("abd"));
        assertThat(WatchRequest.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})))
                .isEqualTo(bytes("b"));
        assertThat(WatchRequest.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})))
                .isEqualTo(ByteString.copyFrom(new byte[] {0}));
        assertThat(WatchRequest.prefixEnd(ByteString.EMPTY)).isEqualTo(ByteString.copyFrom(new byte[] {0}));
    }

    @Test
    void noPutFilterDropsPutsAndNoDeleteFilterDropsDeletes() {
        long noPut = stream.watch(WatchRequest.key(bytes("f")).withFilters(Set.of(WatchFilter.NOPUT)));
        long noDelete = stream.watch(WatchRequest.key(bytes("f")).withFilters(Set.of(WatchFilter.NODELETE)));
        long both =
                stream.watch(WatchRequest.key(bytes("f")).withFilters(Set.of(WatchFilter.NOPUT, WatchFilter.NODELETE)));
        long marker = stream.watch(WatchRequest.key(bytes("marker")));
        history.put("f", "1");
        history.delete("f");
        history.put("f", "2");
        history.put("marker", "done");

        await().atMost(DEADLINE).until(() -> !sink.events(marker).isEmpty());
        assertThat(types(sink.events(noPut))).containsExactly(Event.EventType.DELETE);
        assertThat(types(sink.events(noDelete))).containsExactly(Event.EventType.PUT, Event.EventType.PUT);
        assertThat(sink.batches(both, WatchBatch.Kind.EVENTS)).isEmpty();
    }

    @Test
    void filtersApplyToReplayedHistoryToo() {
        history.put("f", "1");
        long start = history.delete("f");
        history.put("f", "2");
        long id = stream.watch(WatchRequest.key(bytes("f")).fromRevision(2).withFilters(Set.of(WatchFilter.NOPUT)));

        await().atMost(DEADLINE).until(() -> !sink.events(id).isEmpty());
        assertThat(sink.revisions(id)).containsExactly(start);
    }

    @Test
    void prevKvIsKeptOnlyWhenAsked() {
        long with = stream.watch(WatchRequest.key(bytes("p")).withPrevKv());
        long without = stream.watch(WatchRequest.key(bytes("p")));
        history.put("p", "1");
        history.put("p", "2");
        history.delete("p");

        await().atMost(DEADLINE)
                .until(() ->
                        sink.events(with).size() == 3 && sink.events(without).size() == 3);
        List<Event> withPrev = sink.events(with);
        assertThat(withPrev.get(0).hasPrevKv()).isFalse(); // created: nothing before
        assertThat(withPrev.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
        assertThat(withPrev.get(2).getPrevKv().getValue().toStringUtf8()).isEqualTo("2");
        assertThat(sink.events(without)).noneMatch(Event::hasPrevKv);
    }

    @Test
    void prevKvIsStrippedFromReplayedHistoryWhenNotAsked() {
        history.put("p", "1");
        history.put("p", "2");
        long with = stream.watch(WatchRequest.key(bytes("p")).fromRevision(2).withPrevKv());
        long without = stream.watch(WatchRequest.key(bytes("p")).fromRevision(2));

        await().atMost(DEADLINE)
                .until(() ->
                        sink.events(with).size() == 2 && sink.events(without).size() == 2);
        assertThat(sink.events(with).get(1).getPrevKv().getValue().toStringUtf8())
                .isEqualTo("1");
        assertThat(sink.events(without)).noneMatch(Event::hasPrevKv);
    }

    private void writeKeys(String... keys) {
        for (String key : keys) {
            history.put(key, "v");
        }
    }

    private static List<Event.EventType> types(List<Event> events) {
        return events.stream().map(Event::getType).toList();
    }
}
