package io.capstan.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.manifest.Manifests;
import io.capstan.client.DeleteOptions;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.controller.Controller;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace controller against an in-process control plane: a deleted namespace is emptied of
 * objects of every kind, waits for a pod's kubelet (played by the test) and for an object's own
 * finalizer, says so in its conditions, and is removed once empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NamespaceControllerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String HOLD = "example.com/hold";

    private TestControlPlane cluster;
    private ObjectClient api;
    private Informer<Namespace> namespaces;
    private Controller controller;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(3, root);
        api = cluster.client();
        namespaces = Informer.create(api.namespaces(), ListOptions.all(), Duration.ZERO);
        controller = NamespaceController.controller(namespaces, api, Duration.ofMillis(500), InstantSource.system());
        namespaces.start();
        controller.start();
    }

    @AfterAll
    void stop() {
        if (controller != null) {
            controller.close();
        }
        if (namespaces != null) {
            namespaces.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void deletedNamespaceIsEmptiedAndRemoved() {
        api.namespaces().create(namespace("doomed"));
        api.configMaps().create(configMap("doomed", "settings", false));
        api.secrets()
                .create(Secret.newBuilder()
                        .setMetadata(
                                ObjectMeta.newBuilder().setNamespace("doomed").setName("token"))
                        .build());
        api.services().create(Kind.SERVICE.unwrap(Manifests.readYaml("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: web, namespace: doomed}
                        spec: {selector: {app: web}, ports: [{port: 80}]}
                        """).get(0)));
        api.pods().create(pod("doomed", "unbound", ""));
        api.pods().create(pod("doomed", "bound", "node-1"));

        api.namespaces().delete("", "doomed");

        // the bound pod waits for its kubelet to confirm its containers stopped
        await().atMost(DEADLINE)
                .until(() -> api.pods().get("doomed", "bound").getMetadata().hasDeletionTimestamp());
        api.pods().delete("doomed", "bound", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));

        awaitNamespaceGone("doomed");
        for (Kind<?> kind : Kind.all()) {
            if (kind.isNamespaced()) {
                assertThat(api.kind(kind)
                                .listAll(ListOptions.inNamespace("doomed"))
                                .items())
                        .as(kind.name())
                        .isEmpty();
            }
        }
    }

    @Test
    void namespaceWaitsForFinalizersOfItsContentAndSaysSo() {
        api.namespaces().create(namespace("held"));
        api.configMaps().create(configMap("held", "guarded", true));

        api.namespaces().delete("", "held");

        await().atMost(DEADLINE).untilAsserted(() -> {
            NamespaceStatus status = api.namespaces().get("", "held").getStatus();
            assertThat(status.getPhase()).isEqualTo(NamespaceStatus.Phase.PHASE_TERMINATING);
            assertThat(condition(status, NamespaceDeletion.CONTENT_REMAINING).getMessage())
                    .isEqualTo("Some resources are remaining: ConfigMap has 1 resource instances");
            assertThat(condition(status, NamespaceDeletion.FINALIZERS_REMAINING).getStatus())
                    .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        });
        assertThat(api.configMaps().get("held", "guarded").getMetadata().hasDeletionTimestamp())
                .isTrue();

        ConfigMap guarded = api.configMaps().get("held", "guarded");
        api.configMaps()
                .update(guarded.toBuilder()
                        .setMetadata(guarded.getMetadata().toBuilder().clearFinalizers())
                        .build());

        awaitNamespaceGone("held");
    }

    @Test
    void activeNamespaceIsLeftAlone() {
        api.namespaces().create(namespace("alive"));
        api.configMaps().create(configMap("alive", "settings", false));
        api.namespaces().create(namespace("marker"));
        api.namespaces().delete("", "marker");

        awaitNamespaceGone("marker");
        assertThat(api.configMaps().get("alive", "settings").getMetadata().hasDeletionTimestamp())
                .isFalse();
        assertThat(api.namespaces().get("", "alive").getSpec().getFinalizersList())
                .containsExactly(NamespaceDeletion.FINALIZER);
    }

    private void awaitNamespaceGone(String name) {
        await().atMost(DEADLINE).until(() -> {
            try {
                api.namespaces().get("", name);
                return false;
            } catch (NotFoundException e) {
                return true;
            }
        });
    }

    private static Condition condition(NamespaceStatus status, String type) {
        return status.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status));
    }

    private static Namespace namespace(String name) {
        return Namespace.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName(name))
                .build();
    }

    private static ConfigMap configMap(String namespace, String name, boolean held) {
        ObjectMeta.Builder meta =
                ObjectMeta.newBuilder().setNamespace(namespace).setName(name);
        if (held) {
            meta.addFinalizers(HOLD);
        }
        return ConfigMap.newBuilder().setMetadata(meta).putData("key", "value").build();
    }

    private static Pod pod(String namespace, String name, String node) {
        return Kind.POD.unwrap(
                Manifests.readYaml("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeName: "%s"
                          containers: [{name: main, image: busybox}]
                        """.formatted(name, namespace, node)).get(0));
    }
}
