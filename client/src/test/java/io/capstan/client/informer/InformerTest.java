package io.capstan.client.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.ExpiredException;
import io.capstan.client.Kind;
import io.capstan.client.UnavailableException;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchEvent.Type;
import io.capstan.client.WatchListener;
import io.capstan.client.scheduler.ManualScheduler;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ObjectMeta;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The informer's list, watch, resume, relist and resync, driven step by step with a fake and a manual clock. */
class InformerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeListWatch<ConfigMap> source = new FakeListWatch<>();
    private final RecordingHandler handler = new RecordingHandler();

    private Informer<ConfigMap> informer(Duration resync) {
        Informer<ConfigMap> informer = new Informer<>(Kind.CONFIG_MAP, source, scheduler, resync);
        informer.addHandler(handler);
        return informer;
    }

    @Test
    void initialListArrivesAsAddsThenWatchStartsFromItsResourceVersion() {
        Informer<ConfigMap> informer = informer(Duration.ZERO);
        source.willList("10", List.of(cm("a", "5"), cm("b", "9")));

        informer.start();
        assertThat(informer.hasSynced()).isFalse();
        scheduler.runDue();

        assertThat(informer.hasSynced()).isTrue();
        assertThat(handler.calls()).containsExactly("add a@5", "add b@9");
        assertThat(source.watchedFrom()).containsExactly("10");
        assertThat(informer.indexer().list()).hasSize(2);
        assertThat(informer.lastResourceVersion()).isEqualTo("10");
    }

    @Test
    void watchEventsBecomeAddsUpdatesAndDeletesInOrder() {
        Informer<ConfigMap> informer = started(List.of(cm("a", "5")), "10");

        source.send(Type.ADDED, cm("b", "11"), "11");
        source.send(Type.MODIFIED, cm("a", "12"), "12");
        source.send(Type.DELETED, cm("b", "13"), "13");
        source.send(Type.BOOKMARK, ConfigMap.getDefaultInstance(), "20");
        scheduler.runDue();

        assertThat(handler.calls()).containsExactly("add a@5", "add b@11", "update a@5->12", "delete b@13");
        assertThat(informer.indexer().list())
                .extracting(c -> c.getMetadata().getResourceVersion())
                .containsExactly("12");
        assertThat(informer.lastResourceVersion()).isEqualTo("20");
    }

    @Test
    void brokenStreamResumesFromTheLastResourceVersionSeenAfterABackOff() {
        Informer<ConfigMap> informer = started(List.of(), "10");
        source.send(Type.ADDED, cm("a", "11"), "11");
        scheduler.runDue();

        source.end(new UnavailableException(Status.Code.UNAVAILABLE, "server went away", false));
        scheduler.runDue();
        assertThat(source.watchedFrom()).containsExactly("10");

        scheduler.advance(Duration.ofMillis(100));
        assertThat(source.watchedFrom()).containsExactly("10", "11");
        assertThat(source.listCalls()).isEqualTo(1);

        source.send(Type.MODIFIED, cm("a", "12"), "12");
        scheduler.runDue();
        assertThat(handler.calls()).containsExactly("add a@11", "update a@11->12");
        assertThat(informer.lastResourceVersion()).isEqualTo("12");
    }

    @Test
    void repeatedStreamFailuresBackOffLonger() {
        started(List.of(), "10");

        source.end(new UnavailableException(Status.Code.UNAVAILABLE, "gone", false));
        scheduler.advance(Duration.ofMillis(100));
        assertThat(source.watchedFrom()).hasSize(2);
        source.end(new UnavailableException(Status.Code.RESOURCE_EXHAUSTED, "too slow", false));
        scheduler.advance(Duration.ofMillis(199));
        assertThat(source.watchedFrom()).hasSize(2);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(source.watchedFrom()).containsExactly("10", "10", "10");
    }

    @Test
    void expiredResourceVersionRelistsAndDeliversOnlyTheDifferences() {
        Informer<ConfigMap> informer = started(List.of(cm("keep", "5"), cm("change", "6"), cm("gone", "7")), "10");
        handler.clear();

        source.willList("50", List.of(cm("keep", "5"), cm("change", "30"), cm("new", "40")));
        source.end(new ExpiredException("resourceVersion 10 is too old", false));
        scheduler.runDue();

        assertThat(source.listCalls()).isEqualTo(2);
        assertThat(handler.calls()).containsExactlyInAnyOrder("update change@6->30", "add new@40", "delete gone@7");
        assertThat(source.watchedFrom()).containsExactly("10", "50");
        assertThat(informer.indexer().list())
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("change", "keep", "new");
    }

    @Test
    void failedListIsRetriedWithBackOffBeforeSyncing() {
        Informer<ConfigMap> informer = informer(Duration.ZERO);
        source.willFailList(new UnavailableException(Status.Code.UNAVAILABLE, "no server", false));
        source.willList("10", List.of(cm("a", "5")));

        informer.start();
        scheduler.runDue();
        assertThat(informer.hasSynced()).isFalse();

        scheduler.advance(Duration.ofMillis(100));
        assertThat(informer.hasSynced()).isTrue();
        assertThat(handler.calls()).containsExactly("add a@5");
    }

    @Test
    void resyncDeliversEveryCachedObjectAgainAsAnUpdate() {
        Informer<ConfigMap> informer = informer(Duration.ofSeconds(30));
        source.willList("10", List.of(cm("a", "5"), cm("b", "9")));
        informer.start();
        scheduler.runDue();
        handler.clear();

        scheduler.advance(Duration.ofSeconds(29));
        assertThat(handler.calls()).isEmpty();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(handler.calls()).containsExactly("update a@5->5", "update b@9->9");
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(handler.calls()).hasSize(4);
    }

    @Test
    void handlerAddedAfterSyncFirstGetsTheCacheAsAdds() {
        Informer<ConfigMap> informer = started(List.of(cm("a", "5")), "10");
        RecordingHandler late = new RecordingHandler();

        informer.addHandler(late);
        source.send(Type.ADDED, cm("b", "11"), "11");
        scheduler.runDue();

        assertThat(late.calls()).containsExactly("add a@5", "add b@11");
    }

    @Test
    void aFailingHandlerDoesNotStopTheOthers() {
        Informer<ConfigMap> informer = new Informer<>(Kind.CONFIG_MAP, source, scheduler, Duration.ZERO);
        informer.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(ConfigMap object) {
                throw new IllegalStateException("boom");
            }
        });
        informer.addHandler(handler);
        source.willList("10", List.of(cm("a", "5")));
        informer.start();
        scheduler.runDue();

        source.send(Type.ADDED, cm("b", "11"), "11");
        scheduler.runDue();
        assertThat(handler.calls()).containsExactly("add a@5", "add b@11");
    }

    @Test
    void eventsOfAStreamThatWasReplacedAreIgnored() {
        Informer<ConfigMap> informer = started(List.of(), "10");
        WatchListener<ConfigMap> replaced = source.openListener();
        source.willList("20", List.of());
        source.end(new ExpiredException("too old", false));
        scheduler.runDue();
        handler.clear();

        replaced.onEvent(new WatchEvent<>(Type.ADDED, cm("late", "15"), "15", false));
        source.send(Type.ADDED, cm("a", "21"), "21");
        scheduler.runDue();

        assertThat(handler.calls()).containsExactly("add a@21");
        assertThat(informer.lastResourceVersion()).isEqualTo("21");
    }

    @Test
    void closeStopsTheWatchAndTheResync() {
        Informer<ConfigMap> informer = informer(Duration.ofSeconds(1));
        source.willList("10", List.of(cm("a", "5")));
        informer.start();
        scheduler.runDue();
        handler.clear();

        informer.close();
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(source.closedWatches()).isEqualTo(1);
        assertThat(handler.calls()).isEmpty();
    }

    private Informer<ConfigMap> started(List<ConfigMap> items, String resourceVersion) {
        Informer<ConfigMap> informer = informer(Duration.ZERO);
        source.willList(resourceVersion, items);
        informer.start();
        scheduler.runDue();
        return informer;
    }

    private static ConfigMap cm(String name, String resourceVersion) {
        return ConfigMap.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setNamespace("ns").setName(name).setResourceVersion(resourceVersion))
                .build();
    }
}
