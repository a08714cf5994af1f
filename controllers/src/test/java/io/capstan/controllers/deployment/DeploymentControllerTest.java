package io.capstan.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.client.informer.Indexer;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.ManualClock;
import io.capstan.controllers.common.RecordingEventRecorder;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One reconcile at a time over seeded caches, as sample-controller's tests. */
class DeploymentControllerTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final ObjectKey KEY = ObjectKey.of("shop", "web");

    private final Indexer<Deployment> deployments = new Indexer<>(Kind.DEPLOYMENT);
    private final Indexer<ReplicaSet> replicaSets = new Indexer<>(Kind.REPLICA_SET);
    private final Indexer<Pod> pods = new Indexer<>(Kind.POD);
    private final RecordingDeploymentApi api = new RecordingDeploymentApi();
    private final RecordingEventRecorder events = new RecordingEventRecorder();
    private final DeploymentController controller =
            new DeploymentController(deployments, replicaSets, pods, api, events, new ManualClock(NOW));

    private static Deployment withVersion(Deployment deployment, String version) {
        Deployment.Builder builder = deployment.toBuilder();
        builder.getMetadataBuilder().setResourceVersion(version);
        return builder.build();
    }

    /** A ReplicaSet of the deployment, as it created it, with pods all available. */
    private static ReplicaSet ownedBy(Deployment deployment, ReplicaSet rs) {
        ReplicaSet.Builder builder = rs.toBuilder();
        builder.getMetadataBuilder()
                .addOwnerReferences(ControllerRef.to("apps/v1", "Deployment", deployment.getMetadata()))
                .putLabels("app", "web")
                .setResourceVersion("10");
        return builder.build();
    }

    @Test
    void firstReplicaSetIsCreatedAtFullSizeAsRevisionOne() throws Exception {
        Deployment deployment =
                withVersion(TestDeployment.named("web").replicas(3).build(), "5");
        deployments.put(deployment);

        controller.reconcile(KEY);

        String name = "web-" + TemplateHash.of(deployment.getSpec().getTemplate(), null);
        assertThat(api.calls())
                .containsExactly(
                        "createReplicaSet " + name + " replicas=3",
                        "updateDeployment web",
                        "updateStatus web",
                        "updateStatus web");
        assertThat(api.replicaSetWrites.get(0).getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "1")
                .containsEntry(Revisions.DESIRED_REPLICAS, "3");
        assertThat(api.deploymentWrites.get(0).getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "1");
        assertThat(DeploymentConditions.get(api.deploymentWrites.get(1).getStatus(), DeploymentConditions.PROGRESSING)
                        .orElseThrow()
                        .getReason())
                .isEqualTo("NewReplicaSetCreated");
        assertThat(events.events()).containsExactly("Normal ScalingReplicaSet Scaled up replica set " + name + " to 3");
    }

    @Test
    void cacheStillOlderThanOurOwnWriteIsNotActedOn() throws Exception {
        Deployment deployment =
                withVersion(TestDeployment.named("web").replicas(3).build(), "5");
        deployments.put(deployment);
        controller.reconcile(KEY);
        api.calls.clear();

        // the deployment's update event has not arrived: the cache still has version 5
        controller.reconcile(KEY);
        assertThat(api.calls()).isEmpty();

        // the deployment's events arrive, but not yet the ReplicaSet's: still nothing
        deployments.put(api.lastDeploymentWrite());
        controller.reconcile(KEY);
        assertThat(api.calls()).isEmpty();

        ReplicaSet created = api.replicaSetWrites.get(0);
        replicaSets.put(created);
        controller
                .replicaSetHandler(io.capstan.client.workqueue.WorkQueue.create("test"))
                .onAdd(created);
        controller.reconcile(KEY);
        assertThat(api.calls()).noneMatch(c -> c.startsWith("createReplicaSet"));
    }

    @Test
    void templateChangeStartsARollingUpdateWithinTheSurge() throws Exception {
        Deployment v2 = withVersion(
                TestDeployment.named("web")
                        .replicas(10)
                        .image("web:2")
                        .annotation(Revisions.REVISION, "1")
                        .status(DeploymentStatus.newBuilder()
                                .setObservedGeneration(1)
                                .setReplicas(10)
                                .setUpdatedReplicas(10)
                                .setAvailableReplicas(10)
                                .setReadyReplicas(10)
                                .build())
                        .build(),
                "5");
        deployments.put(v2);
        replicaSets.put(ownedBy(
                v2,
                TestRs.named("web-1")
                        .image("web:1")
                        .revision(1)
                        .replicas(10)
                        .available(10)
                        .annotation(Revisions.DESIRED_REPLICAS, "10")
                        .annotation(Revisions.MAX_REPLICAS, "13")
                        .build()));

        controller.reconcile(KEY);

        String name = "web-" + TemplateHash.of(v2.getSpec().getTemplate(), null);
        assertThat(api.calls()).startsWith("createReplicaSet " + name + " replicas=3", "updateDeployment web");
        assertThat(api.replicaSetWrites.get(0).getMetadata().getAnnotationsMap())
                .containsEntry(Revisions.REVISION, "2");
        // with the surge taken, the old ReplicaSet goes to 10 - maxUnavailable in the same pass
        assertThat(api.calls()).contains("updateReplicaSet web-1 replicas=8");
        assertThat(events.events())
                .containsExactly(
                        "Normal ScalingReplicaSet Scaled up replica set " + name + " to 3",
                        "Normal ScalingReplicaSet Scaled down replica set web-1 to 8");
    }

    @Test
    void rollbackAnnotationRestoresTheTemplateOfThePreviousRevision() throws Exception {
        Deployment asked = withVersion(
                TestDeployment.named("web")
                        .replicas(2)
                        .image("web:2")
                        .annotation(Revisions.REVISION, "2")
                        .annotation(Revisions.ROLLBACK_TO, "0")
                        .build(),
                "5");
        deployments.put(asked);
        replicaSets.put(
                ownedBy(asked, TestRs.named("web-1").image("web:1").revision(1).build()));
        replicaSets.put(ownedBy(
                asked,
                TestRs.named("web-2")
                        .image("web:2")
                        .revision(2)
                        .replicas(2)
                        .available(2)
                        .annotation(Revisions.DESIRED_REPLICAS, "2")
                        .annotation(Revisions.MAX_REPLICAS, "3")
                        .build()));

        controller.reconcile(KEY);

        Deployment written = api.lastDeploymentWrite();
        assertThat(written.getSpec().getTemplate()).isEqualTo(TestRs.template("web:1"));
        assertThat(written.getMetadata().getAnnotationsMap()).doesNotContainKey(Revisions.ROLLBACK_TO);
        assertThat(api.calls()).noneMatch(c -> c.contains("ReplicaSet"));
        assertThat(events.events())
                .containsExactly("Normal DeploymentRollback Rolled back deployment \"web\" to revision 1");
    }

    @Test
    void pausedDeploymentIsScaledButNotRolledOut() throws Exception {
        Deployment paused = withVersion(
                TestDeployment.named("web")
                        .replicas(5)
                        .image("web:2")
                        .paused()
                        .annotation(Revisions.REVISION, "1")
                        .build(),
                "5");
        deployments.put(paused);
        replicaSets.put(ownedBy(
                paused,
                TestRs.named("web-1")
                        .image("web:1")
                        .revision(1)
                        .replicas(2)
                        .available(2)
                        .annotation(Revisions.DESIRED_REPLICAS, "2")
                        .annotation(Revisions.MAX_REPLICAS, "3")
                        .build()));

        controller.reconcile(KEY);

        assertThat(api.calls()).contains("updateReplicaSet web-1 replicas=5").noneMatch(c -> c.startsWith("create"));
        assertThat(events.events()).containsExactly("Normal ScalingReplicaSet Scaled up replica set web-1 to 5");
        Deployment reported = api.lastDeploymentWrite();
        assertThat(DeploymentConditions.get(reported.getStatus(), DeploymentConditions.PROGRESSING)
                        .orElseThrow()
                        .getReason())
                .isEqualTo("DeploymentPaused");
    }

    @Test
    void selectorThatMatchesEverythingIsRefused() throws Exception {
        Deployment everything = withVersion(TestDeployment.named("web").build(), "5");
        Deployment.Builder builder = everything.toBuilder();
        builder.getSpecBuilder().getSelectorBuilder().clearMatchLabels();
        deployments.put(builder.build());

        controller.reconcile(KEY);

        assertThat(api.calls()).containsExactly("updateStatus web");
        assertThat(events.events()).singleElement().asString().startsWith("Warning SelectingAll");
    }
}
