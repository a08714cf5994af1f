package io.capstan.controllers.replicaset;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.ApiException;
import io.capstan.client.ObjectClient;
import io.capstan.client.Watch;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchListener;
import io.capstan.client.WatchOptions;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Pods;
import io.capstan.controllers.common.WorkloadCluster;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ReplicaSet controller against an in-process control plane, with a fake kubelet. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicaSetControllerIT {
    private WorkloadCluster cluster;
    private ObjectClient client;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = WorkloadCluster.start(root);
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static ReplicaSet replicaSet(String ns, String name, int replicas) {
        ReplicaSet.Builder rs = ReplicaSet.newBuilder();
        rs.getMetadataBuilder().setNamespace(ns).setName(name);
        rs.getSpecBuilder().setReplicas(replicas).getSelectorBuilder().putMatchLabels("app", name);
        rs.getSpecBuilder().getTemplateBuilder().getMetadataBuilder().putLabels("app", name);
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage("web:1"));
        return rs.build();
    }

    private List<Pod> activePods(String ns, String app) {
        return client.pods().list(ns, LabelSelector.parse("app=" + app)).stream()
                .filter(Pods::isActive)
                .toList();
    }

    private ReplicaSet scale(String ns, String name, int replicas) {
        for (int attempt = 0; ; attempt++) {
            ReplicaSet rs = client.replicaSets().get(ns, name);
            ReplicaSet.Builder scaled = rs.toBuilder();
            scaled.getSpecBuilder().setReplicas(replicas);
            try {
                return client.replicaSets().update(scaled.build());
            } catch (ApiException e) {
                if (attempt > 5) {
                    throw e;
                }
            }
        }
    }

    @Test
    void createsOwnedPodsReportsStatusAndReplacesDeletedOnes() {
        String ns = cluster.newNamespace("rs-basic");
        ReplicaSet created = client.replicaSets().create(replicaSet(ns, "web", 3));

        await().atMost(ofSeconds(20)).untilAsserted(() -> {
            ReplicaSet rs = client.replicaSets().get(ns, "web");
            assertThat(rs.getStatus().getReplicas()).isEqualTo(3);
            assertThat(rs.getStatus().getFullyLabeledReplicas()).isEqualTo(3);
            assertThat(rs.getStatus().getReadyReplicas()).isEqualTo(3);
            assertThat(rs.getStatus().getAvailableReplicas()).isEqualTo(3);
            assertThat(rs.getStatus().getObservedGeneration())
                    .isEqualTo(rs.getMetadata().getGeneration());
        });
        List<Pod> pods = activePods(ns, "web");
        assertThat(pods).hasSize(3).allSatisfy(pod -> {
            assertThat(pod.getMetadata().getName()).startsWith("web-");
            assertThat(pod.getMetadata().getGenerateName()).isEqualTo("web-");
            assertThat(pod.getMetadata().getOwnerReferencesList())
                    .singleElement()
                    .satisfies(ref -> {
                        assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
                        assertThat(ref.getKind()).isEqualTo("ReplicaSet");
                        assertThat(ref.getController()).isTrue();
                        assertThat(ref.getBlockOwnerDeletion()).isTrue();
                    });
        });

        String victim = pods.get(0).getMetadata().getName();
        client.pods().delete(ns, victim);
        await().atMost(ofSeconds(20))
                .untilAsserted(() -> assertThat(activePods(ns, "web"))
                        .hasSize(3)
                        .noneMatch(p -> p.getMetadata().getName().equals(victim)));
    }

    @Test
    void scalesFromZeroToFiftyAndDownToThreeWithoutEverOvershooting() throws Exception {
        String ns = cluster.newNamespace("rs-scale");
        client.replicaSets().create(replicaSet(ns, "web", 0));
        AtomicInteger most = new AtomicInteger();
        Map<String, Pod> seen = new ConcurrentHashMap<>();
        String rv = client.pods()
                .listAll(io.capstan.client.ListOptions.inNamespace(ns))
                .resourceVersion();
        try (Watch watch = client.pods()
                .watch(WatchOptions.inNamespace(ns).withResourceVersion(rv), new WatchListener<>() {
                    @Override
                    public void onEvent(WatchEvent<Pod> event) {
                        if (event.type() == WatchEvent.Type.BOOKMARK) {
                            return;
                        }
                        String name = event.object().getMetadata().getName();
                        if (event.type() == WatchEvent.Type.DELETED || !Pods.isActive(event.object())) {
                            seen.remove(name);
                        } else {
                            seen.put(name, event.object());
                        }
                        most.accumulateAndGet(seen.size(), Math::max);
                    }

                    @Override
                    public void onClose(@Nullable ApiException error) {}
                })) {
            scale(ns, "web", 50);
            await().atMost(ofSeconds(60)).untilAsserted(() -> {
                ReplicaSet rs = client.replicaSets().get(ns, "web");
                assertThat(rs.getStatus().getAvailableReplicas()).isEqualTo(50);
                assertThat(rs.getStatus().getReplicas()).isEqualTo(50);
            });
            assertThat(activePods(ns, "web")).hasSize(50);

            scale(ns, "web", 3);
            await().atMost(ofSeconds(30)).untilAsserted(() -> {
                ReplicaSet rs = client.replicaSets().get(ns, "web");
                assertThat(rs.getStatus().getReplicas()).isEqualTo(3);
                assertThat(activePods(ns, "web")).hasSize(3);
            });
            await().atMost(ofSeconds(10)).untilAsserted(() -> assertThat(seen).hasSize(3));
        }
        assertThat(most.get()).as("most pods at once").isEqualTo(50);
    }

    @Test
    void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
        String ns = cluster.newNamespace("rs-adopt");
        Pod.Builder orphan = Pod.newBuilder();
        orphan.getMetadataBuilder().setNamespace(ns).setName("orphan").putLabels("app", "web");
        orphan.getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage("web:1"));
        client.pods().create(orphan.build());

        ReplicaSet rs = client.replicaSets().create(replicaSet(ns, "web", 2));
        await().atMost(ofSeconds(20)).untilAsserted(() -> {
            List<Pod> pods = activePods(ns, "web");
            assertThat(pods).hasSize(2);
            assertThat(pods)
                    .allMatch(p -> ControllerRef.isControlledBy(
                            p.getMetadata(), rs.getMetadata().getUid()));
            assertThat(pods).anyMatch(p -> p.getMetadata().getName().equals("orphan"));
        });

        for (int attempt = 0; ; attempt++) {
            Pod adopted = client.pods().get(ns, "orphan");
            Pod relabeled = adopted.toBuilder()
                    .setMetadata(adopted.getMetadata().toBuilder().putLabels("app", "debug"))
                    .build();
            try {
                client.pods().update(relabeled);
                break;
            } catch (ApiException e) {
                assertThat(attempt).isLessThan(5);
            }
        }
        await().atMost(ofSeconds(20)).untilAsserted(() -> {
            assertThat(ControllerRef.of(client.pods().get(ns, "orphan").getMetadata()))
                    .isEmpty();
            assertThat(activePods(ns, "web"))
                    .hasSize(2)
                    .noneMatch(p -> p.getMetadata().getName().equals("orphan"));
        });
    }

    @Test
    void scaleDownRemovesNotReadyPodsFirst() {
        String ns = cluster.newNamespace("rs-rank");
        client.replicaSets().create(replicaSet(ns, "web", 2));
        await().atMost(ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                client.replicaSets().get(ns, "web").getStatus().getReadyReplicas())
                        .isEqualTo(2));
        List<String> ready = activePods(ns, "web").stream()
                .map(p -> p.getMetadata().getName())
                .toList();

        cluster.kubelet().neverReady(ns);
        scale(ns, "web", 4);
        await().atMost(ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                client.replicaSets().get(ns, "web").getStatus().getReplicas())
                        .isEqualTo(4));
        scale(ns, "web", 2);
        await().atMost(ofSeconds(20))
                .untilAsserted(() -> assertThat(activePods(ns, "web"))
                        .extracting(p -> p.getMetadata().getName())
                        .containsExactlyInAnyOrderElementsOf(ready));
    }

    @Test
    void podsCountAsAvailableOnlyAfterMinReadySeconds() {
        String ns = cluster.newNamespace("rs-minready");
        ReplicaSet.Builder slow = replicaSet(ns, "web", 1).toBuilder();
        slow.getSpecBuilder().setMinReadySeconds(3);
        client.replicaSets().create(slow.build());
        await().atMost(ofSeconds(20)).untilAsserted(() -> {
            ReplicaSet rs = client.replicaSets().get(ns, "web");
            assertThat(rs.getStatus().getReadyReplicas()).isEqualTo(1);
            assertThat(rs.getStatus().getAvailableReplicas()).isZero();
        });
        await().atMost(ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                client.replicaSets().get(ns, "web").getStatus().getAvailableReplicas())
                        .isEqualTo(1));
    }
}
