package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.CreateRequest;
import io.capstan.proto.api.v1.ListRequest;
import io.capstan.proto.api.v1.ListResponse;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ObjectServiceGrpc.ObjectServiceBlockingStub;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.api.v1.UpdateRequest;
import io.capstan.proto.api.v1.WatchEvent;
import io.capstan.proto.api.v1.WatchRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch semantics across a three-node control plane: list then watch with no gap and no
 * duplicate, a watch resumed on another node after the first one died, an expired resourceVersion
 * answered with OUT_OF_RANGE, and periodic compaction. Each test starts its own control plane, as
 * some kill nodes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObjectWatchIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String NS = "watched";

    private @Nullable ControlPlane plane;

    @AfterEach
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void listThenWatchSeesEveryChangeOnceInOrder(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(3, root);
        ObjectServiceBlockingStub api = plane.blocking(0);
        createNamespace(api);
        for (int i = 0; i < 20; i++) {
            create(api, "before-" + i, 0);
        }
        ListResponse list = plane.blocking(1)
                .list(ListRequest.newBuilder()
                        .setKind("ConfigMap")
                        .setNamespace(NS)
                        .build());
        assertThat(list.getItemsCount()).isEqualTo(20);

        Recorder watch = watch(1, list.getResourceVersion(), false);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TypedObject made = create(api, "after-" + i, 0);
            written.add(ObjectKind.metadata(made).getResourceVersion());
        }
        await().atMost(DEADLINE)
                .untilAsserted(() ->
                        assertThat(watch.types()).as("error %s", watch.error()).hasSizeGreaterThanOrEqualTo(40));
        assertThat(watch.resourceVersions()).containsExactlyElementsOf(written);
        assertThat(watch.types()).containsOnly(WatchEvent.Type.TYPE_ADDED);
        watch.cancel();
    }

    @Test
    void aWatchResumesOnAnotherNodeAfterTheFirstDies(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(3, root);
        int leader = plane.store().awaitLeader();
        int watched = (leader + 1) % 3;
        int survivor = (leader + 2) % 3;
        ObjectServiceBlockingStub writer = plane.blocking(leader);
        createNamespace(writer);
        TypedObject first = create(writer, "seed", 0);

        Recorder watch = watch(watched, ObjectKind.metadata(first).getResourceVersion(), false);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(ObjectKind.metadata(create(writer, "a-" + i, 0)).getResourceVersion());
        }
        await().atMost(DEADLINE).until(() -> watch.resourceVersions().size() >= 10);
        plane.kill(watched);
        await().atMost(DEADLINE).until(() -> watch.error() != null);
        for (int i = 0; i < 20; i++) {
            written.add(ObjectKind.metadata(create(writer, "b-" + i, 0)).getResourceVersion());
        }

        // Resume from the last event seen, on a surviving node.
        List<String> seen = new ArrayList<>(watch.resourceVersions());
        Recorder resumed = watch(survivor, seen.get(seen.size() - 1), false);
        await().atMost(DEADLINE)
                .until(() -> seen.size() + resumed.resourceVersions().size() >= written.size());
        seen.addAll(resumed.resourceVersions());
        assertThat(seen).containsExactlyElementsOf(written);
        resumed.cancel();
    }

    @Test
    void anExpiredResourceVersionIsOutOfRangeAndCompactionRunsPeriodically(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(3, root, config -> config.withCompactionInterval(Duration.ofSeconds(1)));
        ObjectServiceBlockingStub api = plane.blocking(0);
        createNamespace(api);
        TypedObject first = create(api, "early", 0);
        String early = ObjectKind.metadata(first).getResourceVersion();
        long earlyRevision = Long.parseLong(early);

        // Keep writing (one update per poll) until some server has compacted past the first write.
        int[] writes = {0};
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
            update(api, "early", writes[0]++);
            return compacted() > earlyRevision;
        });
        assertThat(compacted()).isGreaterThan(earlyRevision);

        // Compaction drops history the watch cache also no longer holds once it is past its window:
        // a watch from before the compaction is answered with an ERROR event carrying OUT_OF_RANGE.
        // The cache window of a fresh server starts at its first list, after the compaction.
        plane.kill(2);
        plane.restart(2);
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .until(() -> plane.blocking(2)
                                .list(ListRequest.newBuilder()
                                        .setKind("ConfigMap")
                                        .setNamespace(NS)
                                        .build())
                                .getItemsCount()
                        == 1);
        Recorder expired = watch(2, early, false);
        await().atMost(DEADLINE)
                .until(() -> expired.error() != null || !expired.errorEvents().isEmpty());
        assertThat(expired.errorEvents()).hasSize(1);
        assertThat(expired.errorEvents().get(0).getError().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE.value());
    }

    @Test
    void aThousandWatchersOnOneKindAllSeeEveryEventInOrder(@TempDir Path root) throws Exception {
        plane = ControlPlane.start(3, root);
        ObjectServiceBlockingStub api = plane.blocking(0);
        createNamespace(api);
        String from = ObjectKind.metadata(create(api, "seed", 0)).getResourceVersion();
        List<Recorder> watchers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            watchers.add(watch(i % 3, from, true));
        }
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            written.add(ObjectKind.metadata(create(api, "c-" + i, i)).getResourceVersion());
        }
        for (int i = 0; i < 100; i++) {
            update(api, "c-" + i, 1000 + i);
        }
        String last = ObjectKind.metadata(plane.blocking(0)
                        .get(io.capstan.proto.api.v1.GetRequest.newBuilder()
                                .setKind("ConfigMap")
                                .setNamespace(NS)
                                .setName("c-99")
                                .build())
                        .getObject())
                .getResourceVersion();
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        watchers.stream().allMatch(w -> w.resourceVersions().contains(last)));
        for (Recorder watcher : watchers) {
            List<String> versions = watcher.resourceVersions();
            assertThat(versions).hasSize(200);
            assertThat(versions.subList(0, 100)).containsExactlyElementsOf(written);
            assertThat(versions).isSortedAccordingTo(java.util.Comparator.comparingLong(Long::parseLong));
            assertThat(watcher.errorEvents()).isEmpty();
        }
        // Each server serves its third of the streams from its own cache.
        for (int node = 0; node < 3; node++) {
            assertThat(plane.server(node).watcherCount()).isBetween(300, 400);
        }
        watchers.forEach(Recorder::cancel);
    }

    private long compacted() {
        long max = 0;
        for (int i = 0; i < 3; i++) {
            max = Math.max(max, plane.server(i).compactedRevision());
        }
        return max;
    }

    private Recorder watch(int node, String resourceVersion, boolean bookmarks) {
        Recorder recorder = new Recorder();
        Context.CancellableContext context = Context.current().withCancellation();
        recorder.context = context;
        context.run(() -> plane.async(node)
                .watch(
                        WatchRequest.newBuilder()
                                .setKind("ConfigMap")
                                .setNamespace(NS)
                                .setResourceVersion(resourceVersion)
                                .setAllowBookmarks(bookmarks)
                                .build(),
                        recorder));
        return recorder;
    }

    private static void createNamespace(ObjectServiceBlockingStub api) {
        api.create(CreateRequest.newBuilder()
                .setObject(TypedObject.newBuilder()
                        .setNamespace(Namespace.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setName(NS))))
                .build());
    }

    private static TypedObject create(ObjectServiceBlockingStub api, String name, int value) {
        return api.create(CreateRequest.newBuilder()
                        .setObject(TypedObject.newBuilder()
                                .setConfigMap(ConfigMap.newBuilder()
                                        .setMetadata(ObjectMeta.newBuilder()
                                                .setName(name)
                                                .setNamespace(NS))
                                        .putData("v", Integer.toString(value))))
                        .build())
                .getObject();
    }

    private static void update(ObjectServiceBlockingStub api, String name, int value) {
        api.update(UpdateRequest.newBuilder()
                .setObject(TypedObject.newBuilder()
                        .setConfigMap(ConfigMap.newBuilder()
                                .setMetadata(
                                        ObjectMeta.newBuilder().setName(name).setNamespace(NS))
                                .putData("v", Integer.toString(value))))
                .build());
    }

    /** Records a watch stream's events. */
    static final class Recorder implements StreamObserver<WatchEvent> {
        private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        private final AtomicReference<@Nullable Throwable> error = new AtomicReference<>();

        Context.@Nullable CancellableContext context;

        @Override
        public void onNext(WatchEvent event) {
            events.add(event);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
            error.compareAndSet(null, new IllegalStateException("stream completed"));
        }

        @Nullable
        Throwable error() {
            return error.get();
        }

        List<String> resourceVersions() {
            List<String> versions = new ArrayList<>();
            for (WatchEvent event : events) {
                if (event.getType() != WatchEvent.Type.TYPE_BOOKMARK && event.getType() != WatchEvent.Type.TYPE_ERROR) {
                    versions.add(ObjectKind.metadata(event.getObject()).getResourceVersion());
                }
            }
            return versions;
        }

        List<WatchEvent.Type> types() {
            List<WatchEvent.Type> types = new ArrayList<>();
            for (WatchEvent event : events) {
                types.add(event.getType());
            }
            return types;
        }

        List<WatchEvent> errorEvents() {
            List<WatchEvent> errors = new ArrayList<>();
            for (WatchEvent event : events) {
                if (event.getType() == WatchEvent.Type.TYPE_ERROR) {
                    errors.add(event);
                }
            }
            return errors;
        }

        void cancel() {
            if (context != null) {
                context.cancel(null);
            }
        }
    }
}
