package io.capstan.client;

import static io.capstan.client.TestObjects.configMap;
import static io.capstan.client.TestObjects.deployment;
import static io.capstan.client.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every verb of the client, typed, and its errors, against an in-process three-node control plane. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ObjectClientIT {
    private TestControlPlane cluster;
    private ObjectClient client;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(3, root);
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void createNamespace(TestInfo test) {
        ns = cluster.createNamespace(test);
    }

    @Test
    void createGetUpdateAndUpdateStatusOfAPod() {
        Pod created = client.pods().create(pod(ns, "web"));
        assertThat(created.getMetadata().getUid()).isNotEmpty();
        assertThat(created.getStatus().getPhase()).isEqualTo(PodStatus.Phase.PHASE_PENDING);

        assertThat(client.pods().get(ns, "web")).isEqualTo(created);

        Pod labeled = created.toBuilder()
                .setMetadata(created.getMetadata().toBuilder().putLabels("app", "web"))
                .build();
        Pod updated = client.pods().update(labeled);
        assertThat(updated.getMetadata().getLabelsMap()).containsEntry("app", "web");
        assertThat(updated.getMetadata().getResourceVersion())
                .isNotEqualTo(created.getMetadata().getResourceVersion());

        Pod running = updated.toBuilder()
                .setStatus(updated.getStatus().toBuilder().setPhase(PodStatus.Phase.PHASE_RUNNING))
                .build();
        Pod statusWritten = client.pods().updateStatus(running);
        assertThat(statusWritten.getStatus().getPhase()).isEqualTo(PodStatus.Phase.PHASE_RUNNING);
        assertThat(statusWritten.getMetadata().getGeneration())
                .isEqualTo(updated.getMetadata().getGeneration());
    }

    @Test
    void listSelectsByLabelsAndFieldsAndPages() {
        for (int i = 0; i < 5; i++) {
            client.configMaps().create(configMap(ns, "cm-" + i, Map.of("parity", i % 2 == 0 ? "even" : "odd")));
        }

        List<ConfigMap> even = client.configMaps().list(ns, LabelSelector.parse("parity=even"));
        assertThat(even).extracting(c -> c.getMetadata().getName()).containsExactly("cm-0", "cm-2", "cm-4");

        ObjectList<ConfigMap> byName =
                client.configMaps().list(ListOptions.inNamespace(ns).withFieldSelector("metadata.name=cm-3"));
        assertThat(byName.items()).extracting(c -> c.getMetadata().getName()).containsExactly("cm-3");

        ObjectList<ConfigMap> first =
                client.configMaps().list(ListOptions.inNamespace(ns).withLimit(2));
        assertThat(first.items()).hasSize(2);
        assertThat(first.hasMore()).isTrue();

        ObjectList<ConfigMap> all =
                client.configMaps().listAll(ListOptions.inNamespace(ns).withLimit(2));
        assertThat(all.items())
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4");
        assertThat(all.resourceVersion()).isNotEmpty();
        assertThat(all.hasMore()).isFalse();
        assertThat(client.configMaps().list(ns, LabelSelector.nothing())).isEmpty();
    }

    @Test
    void patchMergesJsonIntoTheObject() {
        client.configMaps().create(configMap(ns, "settings", Map.of("app", "web")));

        ConfigMap patched = client.configMaps()
                .patch(
                        ns,
                        "settings",
                        "{\"data\": {\"key\": null, \"mode\": \"fast\"}, \"metadata\": {\"labels\": {\"tier\": \"front\"}}}");

        assertThat(patched.getDataMap()).containsExactly(Map.entry("mode", "fast"));
        assertThat(patched.getMetadata().getLabelsMap())
                .containsEntry("app", "web")
                .containsEntry("tier", "front");
    }

    @Test
    void applyCreatesThenReplaces() {
        Applied<Deployment> first = client.deployments().apply(deployment(ns, "web", 2));
        assertThat(first.created()).isTrue();
        assertThat(first.object().getSpec().getReplicas()).isEqualTo(2);

        Applied<Deployment> second = client.deployments().apply(deployment(ns, "web", 3));
        assertThat(second.created()).isFalse();
        assertThat(second.object().getSpec().getReplicas()).isEqualTo(3);
        assertThat(second.object().getMetadata().getUid())
                .isEqualTo(first.object().getMetadata().getUid());
    }

    @Test
    void deleteHonoursPreconditionsAndGracePeriod() {
        ConfigMap created = client.configMaps().create(configMap(ns, "doomed", Map.of()));

        assertThatThrownBy(() -> client.configMaps()
                        .delete(ns, "doomed", DeleteOptions.defaults().withPreconditions("some-other-uid", "")))
                .isInstanceOf(ConflictException.class);

        Deleted<ConfigMap> deleted = client.configMaps()
                .delete(
                        ns,
                        "doomed",
                        DeleteOptions.defaults()
                                .withPreconditions(
                                        created.getMetadata().getUid(),
                                        created.getMetadata().getResourceVersion())
                                .withGracePeriod(Duration.ZERO));
        assertThat(deleted.removed()).isTrue();
        assertThat(deleted.object().getMetadata().getName()).isEqualTo("doomed");
        assertThatThrownBy(() -> client.configMaps().get(ns, "doomed")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void errorsAreTypedByStatus() {
        ConfigMap created = client.configMaps().create(configMap(ns, "one", Map.of()));

        assertThatThrownBy(() -> client.configMaps().create(configMap(ns, "one", Map.of())))
                .isInstanceOf(AlreadyExistsException.class)
                .satisfies(e -> assertThat(((ApiException) e).afterRetry()).isFalse());

        client.configMaps().update(created.toBuilder().putData("k2", "v2").build());
        assertThatThrownBy(() -> client.configMaps()
                        .update(created.toBuilder().putData("k3", "v3").build()))
                .isInstanceOf(ConflictException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(Status.Code.ABORTED));

        assertThatThrownBy(() -> client.pods().get(ns, "missing")).isInstanceOf(NotFoundException.class);

        assertThatThrownBy(() -> client.deployments().create(deployment(ns, "bad", -1)))
                .isInstanceOfSatisfying(InvalidException.class, e -> {
                    assertThat(e.field()).isEqualTo("spec.replicas");
                    assertThat(e.problem()).contains("-1");
                });

        try (ObjectClient stranger = ObjectClient.connect(client.config().withToken("not-a-token"))) {
            assertThatThrownBy(() -> stranger.pods().get(ns, "any")).isInstanceOf(UnauthenticatedException.class);
        }
    }

    @Test
    void watchDeliversChangesInOrderFromAListsResourceVersion() {
        ObjectList<ConfigMap> list = client.configMaps().listAll(ListOptions.inNamespace(ns));
        List<WatchEvent<ConfigMap>> events = new CopyOnWriteArrayList<>();
        AtomicReference<@Nullable ApiException> closed = new AtomicReference<>();
        try (Watch ignored = client.configMaps()
                .watch(
                        WatchOptions.inNamespace(ns).withResourceVersion(list.resourceVersion()),
                        listener(events, closed))) {
            ConfigMap created = client.configMaps().create(configMap(ns, "w", Map.of()));
            ConfigMap updated = client.configMaps()
                    .update(created.toBuilder().putData("k", "v2").build());
            client.configMaps().delete(ns, "w");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream()
                                    .filter(e -> e.type() != WatchEvent.Type.BOOKMARK)
                                    .count()
                            == 3);
            List<WatchEvent<ConfigMap>> changes = events.stream()
                    .filter(e -> e.type() != WatchEvent.Type.BOOKMARK)
                    .toList();
            assertThat(changes)
                    .extracting(WatchEvent::type)
                    .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED);
            assertThat(changes.get(0).resourceVersion())
                    .isEqualTo(created.getMetadata().getResourceVersion());
            assertThat(changes.get(1).object()).isEqualTo(updated);
        }
        assertThat(closed.get()).isNull();
    }

    @Test
    void watchFromAResourceVersionOlderThanTheServerKeepsEndsExpired() {
        List<WatchEvent<ConfigMap>> events = new CopyOnWriteArrayList<>();
        AtomicReference<@Nullable ApiException> closed = new AtomicReference<>();
        try (Watch ignored = client.configMaps()
                .watch(WatchOptions.inNamespace(ns).withResourceVersion("1"), listener(events, closed))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> closed.get() != null);
        }
        assertThat(closed.get()).isInstanceOf(ExpiredException.class);
        assertThat(events).isEmpty();
    }

    @Test
    void untypedVerbsTakeAnyKind() {
        var object = Kind.CONFIG_MAP.wrap(configMap(ns, "plain", Map.of()));
        client.create(object);

        assertThat(Kind.metadataOf(client.get("ConfigMap", ns, "plain")).getName())
                .isEqualTo("plain");
        assertThat(client.list("ConfigMap", ListOptions.inNamespace(ns)).items())
                .hasSize(1);
        assertThatThrownBy(() -> client.get("Gadget", ns, "plain"))
                .isInstanceOfSatisfying(
                        InvalidException.class, e -> assertThat(e.field()).isEqualTo("kind"));
    }

    private static <T> WatchListener<T> listener(
            List<WatchEvent<T>> events, AtomicReference<@Nullable ApiException> closed) {
        return new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<T> event) {
                events.add(event);
            }

            @Override
            public void onClose(@Nullable ApiException error) {
                closed.set(error == null ? new ApiException(Status.Code.OK, "closed", false) : error);
            }
        };
    }
}
