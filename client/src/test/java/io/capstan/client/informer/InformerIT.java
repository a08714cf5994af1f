package io.capstan.client.informer;

import static io.capstan.client.TestObjects.configMap;
import static io.capstan.client.TestObjects.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ConflictException;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectList;
import io.capstan.client.UnavailableException;
import io.capstan.client.Watch;
import io.capstan.client.WatchListener;
import io.capstan.client.scheduler.ThreadScheduler;
import io.capstan.proto.api.v1.ConfigMap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Informers over a real control plane: list, watch, resume elsewhere after a server dies, relist, resync. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InformerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ControlPlane plane;
    private ObjectClient client;
    private Informer<ConfigMap> informer;

    @AfterEach
    void stop() {
        if (informer != null) {
            informer.close();
        }
        if (client != null) {
            client.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void initialListArrivesAsAddsThenChangesInOrder(@TempDir Path root) throws Exception {
        start(root, 0);
        client.namespaces().create(namespace("inf"));
        client.configMaps().create(configMap("inf", "a", Map.of()));
        ConfigMap b = client.configMaps().create(configMap("inf", "b", Map.of()));
        RecordingHandler handler = new RecordingHandler();

        informer = Informer.create(client.configMaps(), ListOptions.inNamespace("inf"), Duration.ZERO);
        informer.addHandler(handler);
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();
        assertThat(handler.calls())
                .extracting(c -> c.substring(0, c.indexOf('@')))
                .containsExactly("add a", "add b");

        ConfigMap b2 =
                client.configMaps().update(b.toBuilder().putData("k", "v2").build());
        client.configMaps().delete("inf", "a");
        ConfigMap c = client.configMaps().create(configMap("inf", "c", Map.of()));

        await().atMost(WAIT).until(() -> handler.calls().size() == 5);
        assertThat(handler.calls().subList(2, 5))
                .containsExactly(
                        "update b@" + b.getMetadata().getResourceVersion() + "->"
                                + b2.getMetadata().getResourceVersion(),
                        handler.calls().get(3),
                        "add c@" + c.getMetadata().getResourceVersion());
        assertThat(handler.calls().get(3)).startsWith("delete a@");
        assertThat(informer.indexer().list()).containsExactly(b2, c);
    }

    /**
     * A writer changes config maps through one server while the informer watches through another,
     * which is killed midway. Every write the writer saw succeed must reach the handler exactly
     * once, in resourceVersion order. The killed node is not the store's leader.
     */
    @Test
    void resumesOnAnotherServerWithNoEventMissedOrRepeated(@TempDir Path root) throws Exception {
        int victim = start(root, 1);
        int writerServer = (victim + 1) % 3;
        client.namespaces().create(namespace("resume"));
        RecordingHandler handler = new RecordingHandler();
        informer = Informer.create(client.configMaps(), ListOptions.inNamespace("resume"), Duration.ZERO);
        informer.addHandler(handler);
        informer.start();
        assertThat(informer.awaitSynced(WAIT)).isTrue();

        List<String> written = new ArrayList<>();
        try (ObjectClient writer =
                ObjectClient.connect(ClientConfig.of(List.of(plane.apiAddress(writerServer)), ControlPlane.TOKEN))) {
            for (int i = 0; i < 40; i++) {
                if (i == 20) {
                    plane.kill(victim);
                }
                writeOnce(writer, "cm-" + (i % 5), written);
            }
        }

        await().atMost(WAIT).until(() -> handlerResourceVersions(handler).containsAll(written));
        List<String> seen = handlerResourceVersions(handler);
        Map<String, Integer> counts = new HashMap<>();
        seen.forEach(rv -> counts.merge(rv, 1, Integer::sum));
        assertThat(counts)
                .allSatisfy(
                        (rv, count) -> assertThat(count).as("events at %s", rv).isEqualTo(1));
        assertThat(seen).isSortedAccordingTo((x, y) -> Long.compare(Long.parseLong(x), Long.parseLong(y)));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(informer.indexer().list())
                        .isEqualTo(client.configMaps()
                                .listAll(ListOptions.inNamespace("resume"))
                                .items()));
    }

    @Test
    void resyncDeliversCachedObjectsAgain(@TempDir Path root) throws Exception {
        start(root, 0);
        client.namespaces().create(namespace("resync"));
        ConfigMap a = client.configMaps().create(configMap("resync", "a", Map.of()));
        RecordingHandler handler = new RecordingHandler();

        informer = Informer.create(client.configMaps(), ListOptions.inNamespace("resync"), Duration.ofMillis(500));
        informer.addHandler(handler);
        informer.start();

        String rv = a.getMetadata().getResourceVersion();
        await().atMost(WAIT)
                .until(() -> handler.calls().stream()
                                .filter(c -> c.equals("update a@" + rv + "->" + rv))
                                .count()
                        >= 2);
        assertThat(handler.calls().get(0)).isEqualTo("add a@" + rv);
    }

    /**
     * A real OUT_OF_RANGE: the first list claims a resourceVersion older than any server retains
     * (as an informer cut off for longer than the history kept would hold), so the watch from it
     * ends with the server's ERROR event; the informer lists again and goes on watching from the
     * new list, with no event for the objects it already had.
     */
    @Test
    void expiredResourceVersionRelists(@TempDir Path root) throws Exception {
        start(root, 0);
        client.namespaces().create(namespace("relist"));
        ConfigMap before = client.configMaps().create(configMap("relist", "before", Map.of()));
        StaleFirstList<ConfigMap> source =
                new StaleFirstList<>(ListWatch.of(client.configMaps(), ListOptions.inNamespace("relist")));
        RecordingHandler handler = new RecordingHandler();
        informer = new Informer<>(Kind.CONFIG_MAP, source, new ThreadScheduler("informer-relist"), Duration.ZERO);
        informer.addHandler(handler);
        informer.start();

        await().atMost(WAIT).until(() -> source.lists() == 2);
        ConfigMap after = client.configMaps().create(configMap("relist", "after", Map.of()));

        await().atMost(WAIT)
                .until(() -> informer.indexer().get("relist", "after").isPresent());
        assertThat(source.lists()).isEqualTo(2);
        assertThat(informer.indexer().list()).containsExactly(after, before);
        assertThat(handler.calls())
                .containsExactly(
                        "add before@" + before.getMetadata().getResourceVersion(),
                        "add after@" + after.getMetadata().getResourceVersion());
    }

    /** Counts the lists of the ListWatch it wraps, and says the first is at resourceVersion 1. */
    private static final class StaleFirstList<T> implements ListWatch<T> {
        private final ListWatch<T> delegate;
        private final AtomicInteger lists = new AtomicInteger();

        StaleFirstList(ListWatch<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public ObjectList<T> list() {
            ObjectList<T> list = delegate.list();
            if (lists.incrementAndGet() == 1) {
                return new ObjectList<>(list.items(), "1", "");
            }
            return list;
        }

        @Override
        public Watch watch(String resourceVersion, WatchListener<T> listener) {
            return delegate.watch(resourceVersion, listener);
        }

        int lists() {
            return lists.get();
        }
    }

    /** Starts a one- or three-node control plane; for three, returns a non-leader node the client tries first. */
    private int start(Path root, int firstEndpointOffset) throws Exception {
        int nodes = firstEndpointOffset == 0 ? 1 : 3;
        plane = ControlPlane.start(nodes, root);
        int first = nodes == 1 ? 0 : (plane.store().awaitLeader() + firstEndpointOffset) % nodes;
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            endpoints.add(plane.apiAddress((first + i) % nodes));
        }
        client = ObjectClient.connect(ClientConfig.of(endpoints, ControlPlane.TOKEN));
        return first;
    }

    /** Creates or updates {@code name}; records the resourceVersion of a write known to have succeeded. */
    private static void writeOnce(ObjectClient writer, String name, List<String> written) {
        try {
            ConfigMap current;
            try {
                current = writer.configMaps().get("resume", name);
            } catch (NotFoundException e) {
                written.add(writer.configMaps()
                        .create(configMap("resume", name, Map.of()))
                        .getMetadata()
                        .getResourceVersion());
                return;
            }
            ConfigMap updated = writer.configMaps()
                    .update(current.toBuilder()
                            .putData("n", Integer.toString(written.size()))
                            .build());
            written.add(updated.getMetadata().getResourceVersion());
        } catch (UnavailableException | ConflictException e) {
            // the outcome is unknown or lost a race: not counted, the informer may or may not see it
        }
    }

    /** The resourceVersion of the new state of each add and update, and of each delete. */
    private static List<String> handlerResourceVersions(RecordingHandler handler) {
        return handler.calls().stream()
                .map(call -> call.contains("->")
                        ? call.substring(call.indexOf("->") + 2)
                        : call.substring(call.indexOf('@') + 1))
                .toList();
    }
}
