package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.WatchError;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumingWatcherTest {
    private static final WatchRequest BASE =
            WatchRequest.newBuilder().setKind("ConfigMap").setNamespace("ns").build();

    /** Records every Watch call the watcher opens, so a test can answer on it. */
    private final List<WatchRequest> requests = new ArrayList<>();

    private final List<ClientResponseObserver<WatchRequest, WatchEvent>> streams = new ArrayList<>();
    private final ResumingWatcher.Shared shared = new ResumingWatcher.Shared(1);
    private final ResumingWatcher watcher = new ResumingWatcher(
            0,
            BASE,
            (request, observer) -> {
                requests.add(request);
                streams.add(observer);
            },
            shared);

    @Test
    void startsWithInitialEventsAndIsSyncedAtTheirBookmark() {
        watcher.start();
        ClientResponseObserver<WatchRequest, WatchEvent> stream = streams.get(0);
        stream.onNext(event(WatchEvent.Type.TYPE_ADDED, 7, -1));
        stream.onNext(event(WatchEvent.Type.TYPE_ADDED, 5, -1));

        assertThat(shared.synced().getCount()).isEqualTo(1);
        stream.onNext(bookmark(9, true));

        assertThat(requests.get(0).getSendInitialEvents()).isTrue();
        assertThat(requests.get(0).getAllowBookmarks()).isTrue();
        assertThat(shared.synced().getCount()).isZero();
        assertThat(shared.deliveries().total()).isZero();
        assertThat(shared.deliveries().lastResourceVersion(0)).isEqualTo(9);
    }

    @Test
    void measuresEachModifiedEventFromItsStamp() {
        watcher.start();
        streams.get(0).onNext(bookmark(9, true));

        watcher.onEvent(event(WatchEvent.Type.TYPE_MODIFIED, 10, 1_000_000), 4_000_000);

        assertThat(shared.deliveries().delivered(0)).isEqualTo(1);
        assertThat(shared.deliveries().latency().maxMillis()).isCloseTo(3.0, within(0.01));
    }

    @Test
    void splitsOffTheTimeAfterTheWriteWasAcknowledged() {
        watcher.start();
        streams.get(0).onNext(bookmark(9, true));
        shared.acks().acked(10, 3_000_000);

        watcher.onEvent(event(WatchEvent.Type.TYPE_MODIFIED, 10, 1_000_000), 4_000_000);
        watcher.onEvent(event(WatchEvent.Type.TYPE_MODIFIED, 11, 1_000_000), 4_000_000);
        watcher.onEvent(event(WatchEvent.Type.TYPE_MODIFIED, 11, 1_000_000), 4_000_000); // repeat

        assertThat(shared.afterAck().count()).isEqualTo(1);
        assertThat(shared.afterAck().maxMillis()).isCloseTo(1.0, within(0.01));
        assertThat(shared.beforeAck().sum()).isEqualTo(1);
    }

    @Test
    void resumesFromTheLastResourceVersionAfterAnErrorEvent() {
        watcher.start();
        streams.get(0).onNext(bookmark(9, true));
        streams.get(0).onNext(event(WatchEvent.Type.TYPE_MODIFIED, 10, 1));
        streams.get(0)
                .onNext(WatchEvent.newBuilder()
                        .setType(WatchEvent.Type.TYPE_ERROR)
                        .setError(WatchError.newBuilder().setCode(8).setMessage("too slow"))
                        .build());
        streams.get(0).onCompleted(); // the server ends the stream with OK after an ERROR event

        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getResourceVersion()).isEqualTo("10");
        assertThat(requests.get(1).getSendInitialEvents()).isFalse();
        assertThat(shared.errors().byCode()).containsEntry("RESOURCE_EXHAUSTED", 1L);
        assertThat(shared.resumes().sum()).isEqualTo(1);
    }

    @Test
    void aStreamBrokenBeforeSyncStartsOverWithInitialEvents() {
        watcher.start();
        streams.get(0).onError(Status.UNAVAILABLE.asRuntimeException());

        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getSendInitialEvents()).isTrue();
        assertThat(requests.get(1).getResourceVersion()).isEmpty();
        assertThat(shared.errors().byCode()).containsEntry("UNAVAILABLE", 1L);
    }

    @Test
    void givesUpAfterTheMaximumResumes() {
        watcher.start();
        for (int i = 0; i <= ResumingWatcher.MAX_RESUMES; i++) {
            streams.get(streams.size() - 1).onCompleted();
        }

        assertThat(requests).hasSize(ResumingWatcher.MAX_RESUMES + 1);
        assertThat(shared.gaveUp().sum()).isEqualTo(1);
    }

    @Test
    void doesNotResumeWhileClosing() {
        watcher.start();
        shared.closing().set(true);

        streams.get(0).onError(Status.CANCELLED.asRuntimeException());

        assertThat(requests).hasSize(1);
        assertThat(shared.errors().total()).isZero();
    }

    private static WatchEvent event(WatchEvent.Type type, long resourceVersion, long stamp) {
        ConfigMap configMap = ApiObjects.configMap("ns", "watched-000000").toBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("ns")
                        .setName("watched-000000")
                        .setResourceVersion(Long.toString(resourceVersion)))
                .build();
        if (stamp > 0) {
            configMap = ApiObjects.stamped(configMap, stamp);
        }
        return WatchEvent.newBuilder()
                .setType(type)
                .setObject(TypedObject.newBuilder().setConfigMap(configMap))
                .build();
    }

    private static WatchEvent bookmark(long resourceVersion, boolean initialEventsEnd) {
        return WatchEvent.newBuilder()
                .setType(WatchEvent.Type.TYPE_BOOKMARK)
                .setObject(TypedObject.newBuilder()
                        .setConfigMap(ConfigMap.newBuilder()
                                .setMetadata(
                                        ObjectMeta.newBuilder().setResourceVersion(Long.toString(resourceVersion)))))
                .setInitialEventsEnd(initialEventsEnd)
                .build();
    }
}
