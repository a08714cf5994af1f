package io.capstan.apiserver.storage;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.capstan.apiserver.storage.ObjectStorage.ListPage;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.mvcc.KeyValue;
import io.capstan.store.StoreCluster;
import io.capstan.store.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ObjectStorage} over the leader's embedded store in an in-process three-peer cluster. Each
 * test works in its own namespace (and Namespace names), so the tests share one cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ObjectStorageIT {
    private static final Duration DEADLINE = ofSeconds(20);

    private StoreCluster cluster;
    private KvStore kv;
    private ObjectStorage storage;
    private String namespace;

    @BeforeAll
    void startCluster(@TempDir Path root) throws Exception {
        cluster = StoreCluster.start(3, root);
        cluster.awaitLeader();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void openStorage(TestInfo test) {
        StoreServer peer = cluster.peer(cluster.awaitLeader());
        kv = new EmbeddedKvStore(peer.store(), peer.clientAddress(), Duration.ofSeconds(10));
        storage = new ObjectStorage(kv);
        namespace = test.getTestMethod().orElseThrow().getName().toLowerCase();
    }

    @AfterEach
    void closeStore() {
        kv.close();
    }

    @Test
    void createOfExistingObjectFailsWithAlreadyExists() {
        TypedObject created = join(storage.create(pod("a")));

        assertThat(Long.parseLong(resourceVersion(created))).isPositive();
        assertThat(storage.create(pod("a")))
                .failsWithin(DEADLINE)
                .withThrowableThat()
                .havingCause()
                .isInstanceOfSatisfying(AlreadyExistsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ObjectKind.POD);
                    assertThat(e.namespace()).isEqualTo(namespace);
                    assertThat(e.name()).isEqualTo("a");
                });
    }

    @Test
    void getReturnsObjectWithItsResourceVersion() {
        TypedObject created = join(storage.create(pod("a")));

        Optional<TypedObject> read = join(storage.get(ObjectKind.POD, namespace, "a"));
        Optional<TypedObject> missing = join(storage.get(ObjectKind.POD, namespace, "b"));

        assertThat(read).contains(created);
        assertThat(missing).isEmpty();
    }

    @Test
    void updateWithStaleResourceVersionFailsWithConflict() {
        TypedObject created = join(storage.create(pod("a")));
        TypedObject updated = join(storage.update(withLabel(created, "v", "2")));

        assertThat(storage.update(withLabel(created, "v", "3")))
                .failsWithin(DEADLINE)
                .withThrowableThat()
                .havingCause()
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.expectedResourceVersion()).isEqualTo(resourceVersion(created));
                    assertThat(e.currentResourceVersion()).isEqualTo(resourceVersion(updated));
                });
    }

    @Test
    void updateWithCurrentResourceVersionGivesGreaterOne() {
        TypedObject created = join(storage.create(pod("a")));

        TypedObject updated = join(storage.update(withLabel(created, "v", "2")));

        assertThat(Long.parseLong(resourceVersion(updated))).isGreaterThan(Long.parseLong(resourceVersion(created)));
        assertThat(join(storage.get(ObjectKind.POD, namespace, "a"))).contains(updated);
    }

    @Test
    void updateOfMissingObjectFailsWithNotFound() {
        TypedObject created = join(storage.create(pod("a")));
        join(storage.delete(ObjectKind.POD, namespace, "a", Optional.empty()));

        assertThat(storage.update(withLabel(created, "v", "2")))
                .failsWithin(DEADLINE)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void deleteWithStaleResourceVersionFailsWithConflictAndKeepsObject() {
        TypedObject created = join(storage.create(pod("a")));
        TypedObject updated = join(storage.update(withLabel(created, "v", "2")));

        assertThat(storage.delete(ObjectKind.POD, namespace, "a", Optional.of(resourceVersion(created))))
                .failsWithin(DEADLINE)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(ConflictException.class);
        assertThat(join(storage.get(ObjectKind.POD, namespace, "a"))).contains(updated);
    }

    @Test
    void deleteWithCurrentResourceVersionReturnsDeletedObject() {
        TypedObject created = join(storage.create(pod("a")));

        TypedObject deleted =
                join(storage.delete(ObjectKind.POD, namespace, "a", Optional.of(resourceVersion(created))));

        assertThat(ObjectKind.metadata(deleted).getName()).isEqualTo("a");
        assertThat(Long.parseLong(resourceVersion(deleted))).isGreaterThan(Long.parseLong(resourceVersion(created)));
        assertThat(join(storage.get(ObjectKind.POD, namespace, "a"))).isEmpty();
        assertThat(storage.delete(ObjectKind.POD, namespace, "a", Optional.empty()))
                .failsWithin(DEADLINE)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void pagedListIsOneSnapshotWhileWritesGoOn() {
        List<String> before = List.of("pod-0", "pod-1", "pod-2", "pod-3", "pod-4");
        for (String name : before) {
            join(storage.create(pod(name)));
        }

        List<String> listed = new ArrayList<>();
        List<String> listRevisions = new ArrayList<>();
        String continueToken = "";
        int pages = 0;
        do {
            ListPage page = join(storage.list(ObjectKind.POD, namespace, 2, continueToken));
            pages++;
            page.items().forEach(item -> listed.add(ObjectKind.metadata(item).getName()));
            listRevisions.add(page.resourceVersion());
            // Sorts after every pod listed so far, so an unpinned later page would pick it up.
            join(storage.create(pod("pod-" + (4 + pages) + "-late")));
            continueToken = page.continueToken().orElse("");
        } while (!continueToken.isEmpty());

        assertThat(listed).containsExactlyElementsOf(before);
        assertThat(pages).isEqualTo(3);
        assertThat(listRevisions).hasSize(3).containsOnly(listRevisions.get(0));
        assertThat(join(storage.list(ObjectKind.POD, namespace, 0, "")).items()).hasSize(8);
    }

    @Test
    void listContinuingAtCompactedRevisionFailsWithCompacted() {
        for (String name : List.of("pod-0", "pod-1", "pod-2")) {
            join(storage.create(pod(name)));
        }
        ListPage first = join(storage.list(ObjectKind.POD, namespace, 2, ""));
        TypedObject later = join(storage.create(pod("pod-3")));
        join(kv.compact(CompactionRequest.newBuilder()
                .setRevision(Long.parseLong(resourceVersion(later)))
                .setPhysical(true)
                .build()));

        assertThat(storage.list(
                        ObjectKind.POD, namespace, 2, first.continueToken().orElseThrow()))
                .failsWithin(DEADLINE)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(CompactedException.class);
    }

    @Test
    void namespacedAndClusterScopedKindsHaveTheirKeys() throws Exception {
        String namespaceName = namespace + "-ns";
        TypedObject ns = TypedObject.newBuilder()
                .setNamespace(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(namespaceName)))
                .build();
        join(storage.create(ns));
        TypedObject pod = join(storage.create(pod("a")));

        KeyValue nsKv = rawGet("/registry/namespaces/" + namespaceName);
        KeyValue podKv = rawGet("/registry/pods/" + namespace + "/a");

        assertThat(Namespace.parseFrom(nsKv.getValue()).getMetadata().getName()).isEqualTo(namespaceName);
        assertThat(Pod.parseFrom(podKv.getValue()))
                .isEqualTo(withResourceVersion(pod, "").getPod());
        assertThat(Long.toString(podKv.getModRevision())).isEqualTo(resourceVersion(pod));
    }

    private KeyValue rawGet(String key) {
        RangeResponse response = join(kv.range(
                RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()));
        assertThat(response.getKvsList()).as("keys at %s", key).hasSize(1);
        return response.getKvs(0);
    }

    private TypedObject pod(String name) {
        return TypedObject.newBuilder()
                .setPod(Pod.newBuilder()
                        .setMetadata(
                                ObjectMeta.newBuilder().setNamespace(namespace).setName(name)))
                .build();
    }

    private static TypedObject withLabel(TypedObject object, String key, String value) {
        return ObjectKind.withMetadata(
                object,
                ObjectKind.metadata(object).toBuilder().putLabels(key, value).build());
    }

    private static TypedObject withResourceVersion(TypedObject object, String resourceVersion) {
        return ObjectKind.withResourceVersion(object, resourceVersion);
    }

    private static String resourceVersion(TypedObject object) {
        return ObjectKind.metadata(object).getResourceVersion();
    }

    private static <T> T join(CompletableFuture<T> future) {
        assertThat(future).succeedsWithin(DEADLINE);
        return future.join();
    }
}
