package io.capstan.controllers.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import io.capstan.client.DeleteOptions;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cascading deletion in all three propagation policies against an in-process control plane, with
 * owners and dependents of several kinds (ConfigMaps, Secrets, a cluster-scoped Node). Each test
 * works in a namespace of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GarbageCollectorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String HOLD = "example.com/hold";

    private TestControlPlane cluster;
    private ObjectClient api;
    private final List<Informer<?>> informers = new ArrayList<>();
    private GarbageCollector collector;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(3, root);
        api = cluster.client();
        for (Kind<?> kind : Kind.all()) {
            if (kind != Kind.EVENT) {
                informers.add(Informer.create(api.kind(kind), ListOptions.all(), Duration.ZERO));
            }
        }
        collector = GarbageCollector.create(api, informers);
        informers.forEach(Informer::start);
        collector.start();
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = "gc-" + Integer.toHexString(test.getDisplayName().hashCode());
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
        informers.forEach(Informer::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void backgroundDeletionRemovesTheOwnerAtOnceAndThenItsDependentsDownTheChain() {
        ConfigMap owner = api.configMaps().create(configMap("owner"));
        ConfigMap child = api.configMaps().create(ownedBy(configMap("child"), owner, "ConfigMap", true));
        api.secrets().create(ownedBy(secret("grandchild"), child, "ConfigMap", false));

        assertThat(api.configMaps().delete(ns, "owner").removed()).isTrue();

        awaitGone(Kind.CONFIG_MAP, "child");
        awaitGone(Kind.SECRET, "grandchild");
    }

    @Test
    void foregroundDeletionKeepsTheOwnerUntilItsBlockingDependentsAreGone() {
        ConfigMap owner = api.configMaps().create(configMap("owner"));
        ConfigMap held = api.configMaps().create(withFinalizer(ownedBy(configMap("held"), owner, "ConfigMap", true)));
        api.secrets().create(ownedBy(secret("free"), owner, "ConfigMap", false));
        api.secrets().create(ownedBy(secret("nested"), held, "ConfigMap", true));

        var deleted = api.configMaps()
                .delete(
                        ns,
                        "owner",
                        DeleteOptions.defaults().withPropagation(PropagationPolicy.PROPAGATION_POLICY_FOREGROUND));
        assertThat(deleted.removed()).isFalse();

        // every dependent is deleted; "held" stays, by its own finalizer, and so holds the owner
        awaitGone(Kind.SECRET, "free");
        awaitGone(Kind.SECRET, "nested");
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(
                                api.configMaps().get(ns, "held").getMetadata().hasDeletionTimestamp())
                        .isTrue());
        ConfigMap waiting = (ConfigMap) get(Kind.CONFIG_MAP, "owner").orElseThrow();
        assertThat(waiting.getMetadata().getFinalizersList()).contains(GarbageCollection.FOREGROUND);

        ConfigMap current = (ConfigMap) get(Kind.CONFIG_MAP, "held").orElseThrow();
        api.configMaps()
                .update(current.toBuilder()
                        .setMetadata(GarbageCollection.withoutFinalizer(current.getMetadata(), HOLD))
                        .build());

        awaitGone(Kind.CONFIG_MAP, "held");
        awaitGone(Kind.CONFIG_MAP, "owner");
    }

    @Test
    void orphanDeletionReleasesTheDependentsAndThenRemovesTheOwner() {
        ConfigMap owner = api.configMaps().create(configMap("owner"));
        api.configMaps().create(ownedBy(configMap("kept"), owner, "ConfigMap", true));
        api.secrets().create(ownedBy(secret("also-kept"), owner, "ConfigMap", false));

        api.configMaps()
                .delete(
                        ns,
                        "owner",
                        DeleteOptions.defaults().withPropagation(PropagationPolicy.PROPAGATION_POLICY_ORPHAN));

        awaitGone(Kind.CONFIG_MAP, "owner");
        assertThat(api.configMaps().get(ns, "kept").getMetadata().getOwnerReferencesList())
                .isEmpty();
        assertThat(api.secrets().get(ns, "also-kept").getMetadata().getOwnerReferencesList())
                .isEmpty();
    }

    @Test
    void dependentKeepsLivingOwnersAndLosesOnlyTheReferenceToTheGoneOne() {
        ConfigMap gone = api.configMaps().create(configMap("gone"));
        ConfigMap staying = api.configMaps().create(configMap("staying"));
        ConfigMap shared = configMap("shared");
        shared = ownedBy(ownedBy(shared, gone, "ConfigMap", false), staying, "ConfigMap", false);
        api.configMaps().create(shared);

        api.configMaps().delete(ns, "gone");

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(
                                api.configMaps().get(ns, "shared").getMetadata().getOwnerReferencesList())
                        .extracting(OwnerReference::getName)
                        .containsExactly("staying"));
    }

    @Test
    void dependentOfAnOwnerThatNeverExistedIsCollectedAndOneOfAClusterScopedOwnerToo() {
        ConfigMap orphan = configMap("dangling");
        orphan = orphan.toBuilder()
                .setMetadata(orphan.getMetadata().toBuilder()
                        .addOwnerReferences(OwnerReference.newBuilder()
                                .setApiVersion("v1")
                                .setKind("ConfigMap")
                                .setName("never")
                                .setUid("00000000-0000-0000-0000-000000000000")))
                .build();
        api.configMaps().create(orphan);
        Node node = api.nodes()
                .create(Node.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns + "-node"))
                        .build());
        api.configMaps().create(ownedBy(configMap("node-config"), node, "Node", true));

        awaitGone(Kind.CONFIG_MAP, "dangling");
        api.nodes().delete("", node.getMetadata().getName());
        awaitGone(Kind.CONFIG_MAP, "node-config");
    }

    private void awaitGone(Kind<?> kind, String name) {
        await().atMost(DEADLINE).until(() -> get(kind, name).isEmpty());
    }

    private Optional<Message> get(Kind<?> kind, String name) {
        try {
            return Optional.of(api.kind(kind).get(ns, name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private ConfigMap configMap(String name) {
        return ConfigMap.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .putData("key", "value")
                .build();
    }

    private Secret secret(String name) {
        return Secret.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                .build();
    }

    private static <T extends Message> T ownedBy(T dependent, Message owner, String kind, boolean blocking) {
        ObjectMeta ownerMeta = Kind.metadataOf(owner);
        ObjectMeta meta = Kind.metadataOf(dependent).toBuilder()
                .addOwnerReferences(OwnerReference.newBuilder()
                        .setApiVersion("v1")
                        .setKind(kind)
                        .setName(ownerMeta.getName())
                        .setUid(ownerMeta.getUid())
                        .setBlockOwnerDeletion(blocking))
                .build();
        return KindCollector.withMetadata(dependent, meta);
    }

    private static ConfigMap withFinalizer(ConfigMap configMap) {
        return configMap.toBuilder()
                .setMetadata(configMap.getMetadata().toBuilder().addFinalizers(HOLD))
                .build();
    }
}
