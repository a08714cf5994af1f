package io.capstan.controllers.deployment;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.selector.LabelSelector;
import io.capstan.client.ApiException;
import io.capstan.client.ConflictException;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.Watch;
import io.capstan.client.WatchEvent;
import io.capstan.client.WatchListener;
import io.capstan.client.WatchOptions;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Pods;
import io.capstan.controllers.common.WorkloadCluster;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentCondition;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.IntOrString;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment controller (with the ReplicaSet controller beneath it) against an in-process
 * control plane, with a fake kubelet that makes pods ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DeploymentControllerIT {
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

    private static Deployment deployment(String ns, String name, int replicas, String image) {
        Deployment.Builder d = Deployment.newBuilder();
        d.getMetadataBuilder().setNamespace(ns).setName(name);
        d.getSpecBuilder().setReplicas(replicas).getSelectorBuilder().putMatchLabels("app", name);
        d.getSpecBuilder().getTemplateBuilder().getMetadataBuilder().putLabels("app", name);
        d.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage(image));
        return d.build();
    }

    /** Reads, changes and writes the deployment, again on a conflict. */
    private Deployment update(String ns, String name, UnaryOperator<Deployment> change) {
        for (int attempt = 0; ; attempt++) {
            try {
                return client.deployments()
                        .update(change.apply(client.deployments().get(ns, name)));
            } catch (ConflictException e) {
                assertThat(attempt).as("conflicts updating " + name).isLessThan(20);
            }
        }
    }

    private static UnaryOperator<Deployment> spec(Consumer<io.capstan.proto.api.v1.DeploymentSpec.Builder> edit) {
        return d -> {
            Deployment.Builder builder = d.toBuilder();
            edit.accept(builder.getSpecBuilder());
            return builder.build();
        };
    }

    private static UnaryOperator<Deployment> image(String image) {
        return spec(s ->
                s.getTemplateBuilder().getSpecBuilder().getContainersBuilder(0).setImage(image));
    }

    private List<ReplicaSet> replicaSets(String ns, String app) {
        return client.replicaSets().list(ns, LabelSelector.parse("app=" + app));
    }

    private List<Pod> activePods(String ns, String app) {
        return client.pods().list(ns, LabelSelector.parse("app=" + app)).stream()
                .filter(Pods::isActive)
                .toList();
    }

    private static String imageOf(Pod pod) {
        return pod.getSpec().getContainers(0).getImage();
    }

    private static @Nullable DeploymentCondition condition(Deployment d, String type) {
        return DeploymentConditions.get(d.getStatus(), type).orElse(null);
    }

    /** Waits until every replica runs {@code image}, available, and nothing else runs. */
    private Deployment awaitRolledOut(String ns, String name, String image, int replicas) {
        await().atMost(ofSeconds(60)).untilAsserted(() -> {
            Deployment d = client.deployments().get(ns, name);
            assertThat(d.getStatus().getObservedGeneration())
                    .isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
            assertThat(activePods(ns, name))
                    .hasSize(replicas)
                    .allMatch(p -> imageOf(p).equals(image));
        });
        return client.deployments().get(ns, name);
    }

    /**
     * Watches the pods of a namespace from now on and records, at every event, the pods that are
     * not being deleted and how many of them are ready.
     */
    private static final class PodCounter implements WatchListener<Pod> {
        final Map<String, Pod> pods = new ConcurrentHashMap<>();
        final List<String> history = Collections.synchronizedList(new ArrayList<>());
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());
        private final int maxPods;
        private final int minReady;

        PodCounter(List<Pod> initial, int maxPods, int minReady) {
            initial.forEach(p -> pods.put(p.getMetadata().getName(), p));
            this.maxPods = maxPods;
            this.minReady = minReady;
        }

        @Override
        public void onEvent(WatchEvent<Pod> event) {
            if (event.type() == WatchEvent.Type.BOOKMARK) {
                return;
            }
            Pod pod = event.object();
            if (event.type() == WatchEvent.Type.DELETED || !Pods.isActive(pod)) {
                pods.remove(pod.getMetadata().getName());
            } else {
                pods.put(pod.getMetadata().getName(), pod);
            }
            long total = pods.size();
            long ready = pods.values().stream().filter(Pods::isReady).count();
            String line = event.type() + " " + pod.getMetadata().getName() + " -> pods " + total + " ready " + ready;
            history.add(line);
            if (total > maxPods || ready < minReady) {
                violations.add(line);
            }
        }

        @Override
        public void onClose(@Nullable ApiException error) {}
    }

    private Watch watchPods(String ns, PodCounter counter, String resourceVersion) {
        return client.pods().watch(WatchOptions.inNamespace(ns).withResourceVersion(resourceVersion), counter);
    }

    @Test
    void rollingUpdateOfTenReplicasStaysWithinSurgeAndUnavailabilityAtEveryEvent() throws Exception {
        String ns = cluster.newNamespace("rolling");
        cluster.kubelet().readyAfter(ns, Duration.ofMillis(150));
        client.deployments().create(deployment(ns, "web", 10, "web:1"));
        Deployment v1 = awaitRolledOut(ns, "web", "web:1", 10);
        assertThat(v1.getMetadata().getAnnotationsMap()).containsEntry(Revisions.REVISION, "1");

        var list = client.pods().listAll(ListOptions.inNamespace(ns));
        // 25% of 10: surge 3 (rounded up), unavailable 2 (rounded down)
        PodCounter counter =
                new PodCounter(list.items().stream().filter(Pods::isActive).toList(), 13, 8);
        try (Watch ignored = watchPods(ns, counter, list.resourceVersion())) {
            update(ns, "web", image("web:2"));
            Deployment v2 = awaitRolledOut(ns, "web", "web:2", 10);
            await().atMost(ofSeconds(10))
                    .untilAsserted(() -> assertThat(counter.pods).hasSize(10));

            assertThat(counter.violations)
                    .as("events outside the bounds, of %s", counter.history)
                    .isEmpty();
            assertThat(counter.history.size()).as("events seen").isGreaterThan(20);
            assertThat(v2.getMetadata().getAnnotationsMap()).containsEntry(Revisions.REVISION, "2");
        }
        List<ReplicaSet> rss = replicaSets(ns, "web");
        assertThat(rss).hasSize(2);
        ReplicaSet newRs = rss.stream()
                .filter(rs -> rs.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers(0)
                        .getImage()
                        .equals("web:2"))
                .findFirst()
                .orElseThrow();
        ReplicaSet oldRs = rss.stream().filter(rs -> rs != newRs).findFirst().orElseThrow();
        String hash = newRs.getSpec().getSelector().getMatchLabelsOrThrow(TemplateHash.LABEL);
        assertThat(newRs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(newRs.getMetadata().getAnnotationsMap()).containsEntry(Revisions.REVISION, "2");
        assertThat(oldRs.getMetadata().getAnnotationsMap()).containsEntry(Revisions.REVISION, "1");
        assertThat(oldRs.getSpec().getReplicas()).isZero();
        assertThat(activePods(ns, "web"))
                .allMatch(p -> hash.equals(p.getMetadata().getLabelsMap().get(TemplateHash.LABEL)));

        await().atMost(ofSeconds(10)).untilAsserted(() -> {
            Deployment d = client.deployments().get(ns, "web");
            DeploymentCondition progressing = condition(d, DeploymentConditions.PROGRESSING);
            assertThat(progressing).isNotNull();
            assertThat(progressing.getReason()).isEqualTo("NewReplicaSetAvailable");
            DeploymentCondition available = condition(d, DeploymentConditions.AVAILABLE);
            assertThat(available).isNotNull();
            assertThat(available.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
            assertThat(d.getStatus().getUnavailableReplicas()).isZero();
            assertThat(d.getStatus().getReadyReplicas()).isEqualTo(10);
        });
        await().atMost(ofSeconds(10))
                .untilAsserted(() -> assertThat(client.events().list(ns, LabelSelector.everything()).stream()
                                .filter(e -> e.getReason().equals("ScalingReplicaSet"))
                                .map(Event::getMessage))
                        .contains(
                                "Scaled up replica set " + oldRs.getMetadata().getName() + " to 10",
                                "Scaled up replica set " + newRs.getMetadata().getName() + " to 3",
                                "Scaled down replica set " + oldRs.getMetadata().getName() + " to 0"));
    }

    @Test
    void rollbackRestoresAnEarlierTemplate() {
        String ns = cluster.newNamespace("rollback");
        client.deployments().create(deployment(ns, "web", 3, "web:1"));
        awaitRolledOut(ns, "web", "web:1", 3);
        update(ns, "web", image("web:2"));
        awaitRolledOut(ns, "web", "web:2", 3);

        // by annotation: back to the previous revision
        update(ns, "web", d -> {
            Deployment.Builder asked = d.toBuilder();
            asked.getMetadataBuilder().putAnnotations(Revisions.ROLLBACK_TO, "0");
            return asked.build();
        });
        Deployment back = awaitRolledOut(ns, "web", "web:1", 3);
        assertThat(back.getSpec().getTemplate().getSpec().getContainers(0).getImage())
                .isEqualTo("web:1");
        assertThat(back.getMetadata().getAnnotationsMap()).doesNotContainKey(Revisions.ROLLBACK_TO);
        await().atMost(ofSeconds(10)).untilAsserted(() -> {
            List<ReplicaSet> rss = replicaSets(ns, "web");
            assertThat(rss).hasSize(2);
            ReplicaSet first = rss.stream()
                    .filter(rs -> rs.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers(0)
                            .getImage()
                            .equals("web:1"))
                    .findFirst()
                    .orElseThrow();
            assertThat(first.getMetadata().getAnnotationsMap())
                    .containsEntry(Revisions.REVISION, "3")
                    .containsEntry(Revisions.REVISION_HISTORY, "1");
            assertThat(client.deployments().get(ns, "web").getMetadata().getAnnotationsMap())
                    .containsEntry(Revisions.REVISION, "3");
        });

        // client-side, as a CLI would: copy revision 2's template into the deployment
        update(ns, "web", d -> {
            List<ReplicaSet> owned = replicaSets(ns, "web").stream()
                    .filter(rs -> ControllerRef.isControlledBy(
                            rs.getMetadata(), d.getMetadata().getUid()))
                    .toList();
            return Rollback.to(d, Rollback.find(d, owned, 2).orElseThrow());
        });
        awaitRolledOut(ns, "web", "web:2", 3);
        assertThat(replicaSets(ns, "web")).hasSize(2);
    }

    @Test
    void scalesFromZeroToFiftyAndDownToThree() {
        String ns = cluster.newNamespace("dscale");
        client.deployments().create(deployment(ns, "web", 0, "web:1"));
        await().atMost(ofSeconds(20)).untilAsserted(() -> {
            Deployment d = client.deployments().get(ns, "web");
            assertThat(d.getStatus().getObservedGeneration())
                    .isEqualTo(d.getMetadata().getGeneration());
            assertThat(replicaSets(ns, "web"))
                    .singleElement()
                    .satisfies(rs -> assertThat(rs.getSpec().getReplicas()).isZero());
        });
        update(ns, "web", spec(s -> s.setReplicas(50)));
        awaitRolledOut(ns, "web", "web:1", 50);
        update(ns, "web", spec(s -> s.setReplicas(3)));
        awaitRolledOut(ns, "web", "web:1", 3);
        assertThat(replicaSets(ns, "web")).singleElement().satisfies(rs -> {
            assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
            assertThat(rs.getMetadata().getAnnotationsMap()).containsEntry(Revisions.DESIRED_REPLICAS, "3");
        });
    }

    @Test
    void pausedDeploymentScalesButDoesNotRollOutUntilResumed() {
        String ns = cluster.newNamespace("paused");
        client.deployments().create(deployment(ns, "web", 2, "web:1"));
        awaitRolledOut(ns, "web", "web:1", 2);

        update(ns, "web", spec(s -> s.setPaused(true)));
        update(ns, "web", image("web:2").andThen(spec(s -> s.setReplicas(4)))::apply);
        await().atMost(ofSeconds(60)).untilAsserted(() -> {
            Deployment d = client.deployments().get(ns, "web");
            assertThat(d.getStatus().getObservedGeneration())
                    .isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getReplicas()).isEqualTo(4);
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(4);
            // no ReplicaSet has the paused template: none of the pods is up to date
            assertThat(d.getStatus().getUpdatedReplicas()).isZero();
            assertThat(activePods(ns, "web"))
                    .hasSize(4)
                    .allMatch(p -> imageOf(p).equals("web:1"));
        });
        assertThat(replicaSets(ns, "web")).hasSize(1);
        Deployment paused = client.deployments().get(ns, "web");
        DeploymentCondition progressing = condition(paused, DeploymentConditions.PROGRESSING);
        assertThat(progressing).isNotNull();
        assertThat(progressing.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
        assertThat(progressing.getReason()).isEqualTo("DeploymentPaused");

        update(ns, "web", spec(s -> s.setPaused(false)));
        awaitRolledOut(ns, "web", "web:2", 4);
        assertThat(replicaSets(ns, "web")).hasSize(2);
    }

    @Test
    void recreateRemovesEveryOldPodBeforeCreatingANewOne() throws Exception {
        String ns = cluster.newNamespace("recreate");
        Deployment.Builder recreate = deployment(ns, "web", 3, "web:1").toBuilder();
        recreate.getSpecBuilder()
                .setStrategy(DeploymentStrategy.newBuilder().setType(DeploymentStrategy.Type.TYPE_RECREATE));
        client.deployments().create(recreate.build());
        awaitRolledOut(ns, "web", "web:1", 3);

        var list = client.pods().listAll(ListOptions.inNamespace(ns));
        List<String> mixed = Collections.synchronizedList(new ArrayList<>());
        Map<String, Pod> pods = new ConcurrentHashMap<>();
        list.items().forEach(p -> pods.put(p.getMetadata().getName(), p));
        WatchListener<Pod> listener = new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<Pod> event) {
                if (event.type() == WatchEvent.Type.BOOKMARK) {
                    return;
                }
                Pod pod = event.object();
                if (event.type() == WatchEvent.Type.DELETED) {
                    pods.remove(pod.getMetadata().getName());
                } else {
                    pods.put(pod.getMetadata().getName(), pod);
                }
                // even pods being deleted count: Recreate waits until they are gone
                long images = pods.values().stream()
                        .map(DeploymentControllerIT::imageOf)
                        .distinct()
                        .count();
                if (images > 1) {
                    mixed.add(event.type() + " " + pod.getMetadata().getName());
                }
            }

            @Override
            public void onClose(@Nullable ApiException error) {}
        };
        try (Watch ignored = client.pods()
                .watch(WatchOptions.inNamespace(ns).withResourceVersion(list.resourceVersion()), listener)) {
            update(ns, "web", image("web:2"));
            awaitRolledOut(ns, "web", "web:2", 3);
        }
        assertThat(mixed).as("events with old and new pods side by side").isEmpty();
    }

    @Test
    void progressDeadlineExceededWhenNewPodsNeverBecomeReady() {
        String ns = cluster.newNamespace("deadline");
        client.deployments().create(deployment(ns, "web", 2, "web:1"));
        awaitRolledOut(ns, "web", "web:1", 2);

        cluster.kubelet().neverReady(ns);
        update(ns, "web", image("web:2").andThen(spec(s -> s.setProgressDeadlineSeconds(2)))::apply);
        await().atMost(ofSeconds(30)).untilAsserted(() -> {
            Deployment d = client.deployments().get(ns, "web");
            DeploymentCondition progressing = condition(d, DeploymentConditions.PROGRESSING);
            assertThat(progressing).isNotNull();
            assertThat(progressing.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
            assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
        });
        // the rollout is not undone: old pods still serve
        assertThat(activePods(ns, "web").stream().filter(Pods::isReady)).isNotEmpty();

        cluster.kubelet().readyNow(ns);
        awaitRolledOut(ns, "web", "web:2", 2);
        await().atMost(ofSeconds(10)).untilAsserted(() -> {
            DeploymentCondition progressing =
                    condition(client.deployments().get(ns, "web"), DeploymentConditions.PROGRESSING);
            assertThat(progressing).isNotNull();
            assertThat(progressing.getReason()).isEqualTo("NewReplicaSetAvailable");
        });
    }

    @Test
    void oldReplicaSetsBeyondTheHistoryLimitAreDeleted() {
        String ns = cluster.newNamespace("history");
        Deployment.Builder limited = deployment(ns, "web", 1, "web:1").toBuilder();
        limited.getSpecBuilder().setRevisionHistoryLimit(1);
        limited.getSpecBuilder()
                .getStrategyBuilder()
                .getRollingUpdateBuilder()
                .setMaxSurge(IntOrString.newBuilder().setIntVal(1));
        client.deployments().create(limited.build());
        awaitRolledOut(ns, "web", "web:1", 1);
        for (String image : List.of("web:2", "web:3", "web:4")) {
            update(ns, "web", image(image));
            awaitRolledOut(ns, "web", image, 1);
        }
        await().atMost(ofSeconds(20))
                .untilAsserted(() -> assertThat(replicaSets(ns, "web"))
                        .extracting(rs -> rs.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers(0)
                                .getImage())
                        .containsExactlyInAnyOrder("web:3", "web:4"));
    }
}
