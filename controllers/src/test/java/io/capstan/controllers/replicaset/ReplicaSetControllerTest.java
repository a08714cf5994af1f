package io.capstan.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.client.ApiException;
import io.capstan.client.Kind;
import io.capstan.client.ObjectKey;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.client.workqueue.WorkQueue;
import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Expectations;
import io.capstan.controllers.common.ManualClock;
import io.capstan.controllers.common.RecordingEventRecorder;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import io.capstan.proto.api.v1.ReplicaSetStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One reconcile at a time over seeded caches, as sample-controller's tests. */
class ReplicaSetControllerTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final ObjectKey KEY = ObjectKey.of("shop", "web");

    private final Indexer<ReplicaSet> replicaSets = new Indexer<>(Kind.REPLICA_SET);
    private final Indexer<Pod> pods = new Indexer<>(Kind.POD);
    private final RecordingReplicaSetApi api = new RecordingReplicaSetApi();
    private final ManualClock clock = new ManualClock(NOW);
    private final Expectations expectations = new Expectations(clock);
    private final RecordingEventRecorder events = new RecordingEventRecorder();
    private final ReplicaSetController controller =
            new ReplicaSetController(replicaSets, pods, api, expectations, events, clock);
    private final WorkQueue<ObjectKey> queue = WorkQueue.create("test");
    private final EventHandler<Pod> podHandler = controller.podHandler(queue);

    private static ReplicaSet rs(int replicas) {
        ReplicaSet.Builder rs = ReplicaSet.newBuilder();
        rs.getMetadataBuilder()
                .setNamespace("shop")
                .setName("web")
                .setUid("rs-uid")
                .setGeneration(2)
                .setResourceVersion("7");
        rs.getSpecBuilder().setReplicas(replicas).getSelectorBuilder().putMatchLabels("app", "web");
        rs.getSpecBuilder().getTemplateBuilder().getMetadataBuilder().putLabels("app", "web");
        rs.getSpecBuilder()
                .getTemplateBuilder()
                .getSpecBuilder()
                .addContainers(Container.newBuilder().setName("c").setImage("web:1"));
        return rs.build();
    }

    private static Pod owned(TestPod pod) {
        Pod built = pod.label("app", "web").build();
        return built.toBuilder()
                .setMetadata(ControllerRef.adopted(
                        built.getMetadata(), ControllerRef.to("apps/v1", "ReplicaSet", rs(0).getMetadata())))
                .build();
    }

    @Test
    void createsMissingPodsOnceWhileTheirCreationIsUnseen() throws Exception {
        replicaSets.put(rs(3));

        controller.reconcile(KEY);
        assertThat(api.calls())
                .containsExactly("createPod web-", "createPod web-", "createPod web-", "updateStatus web");
        assertThat(api.statuses.get(0).getStatus().getObservedGeneration()).isEqualTo(2);
        assertThat(events.events()).hasSize(3).allMatch(e -> e.startsWith("Normal SuccessfulCreate Created pod: web-"));

        // the informer has not shown the pods yet: nothing more is created
        api.calls.clear();
        controller.reconcile(KEY);
        assertThat(api.calls()).noneMatch(c -> c.startsWith("createPod"));
        api.calls.clear();

        // two show up: still one in flight
        podHandler.onAdd(api.created.get(0));
        podHandler.onAdd(api.created.get(1));
        pods.put(api.created.get(0));
        pods.put(api.created.get(1));
        controller.reconcile(KEY);
        assertThat(api.calls()).containsExactly("updateStatus web");
        assertThat(queue.length()).isEqualTo(1);

        podHandler.onAdd(api.created.get(2));
        pods.put(api.created.get(2));
        api.calls.clear();
        controller.reconcile(KEY);
        assertThat(api.calls()).containsExactly("updateStatus web");
        assertThat(api.statuses.get(api.statuses.size() - 1).getStatus().getReplicas())
                .isEqualTo(3);
    }

    @Test
    void deletesTheSurplusUnreadyAndNewestFirst() throws Exception {
        replicaSets.put(rs(1).toBuilder()
                .setStatus(ReplicaSetStatus.newBuilder().setObservedGeneration(2))
                .build());
        pods.put(owned(
                TestPod.named("old").on("n1").readySince(NOW.minusSeconds(3600)).createdAt(NOW.minusSeconds(4000))));
        pods.put(owned(
                TestPod.named("new").on("n1").readySince(NOW.minusSeconds(5)).createdAt(NOW.minusSeconds(9))));
        pods.put(owned(TestPod.named("starting").on("n1").running().createdAt(NOW.minusSeconds(4000))));

        controller.reconcile(KEY);
        assertThat(api.calls()).containsExactly("deletePod starting", "deletePod new", "updateStatus web");
        assertThat(expectations.satisfied(KEY.toString())).isFalse();
        podHandler.onDelete(pods.get("shop", "starting").orElseThrow());
        podHandler.onDelete(pods.get("shop", "new").orElseThrow());
        assertThat(expectations.satisfied(KEY.toString())).isTrue();
    }

    @Test
    void podsBeingDeletedOrFinishedDoNotCount() throws Exception {
        replicaSets.put(rs(1));
        pods.put(owned(TestPod.named("leaving").running().deletedAt(NOW)));
        pods.put(owned(TestPod.named("done").phase(io.capstan.proto.api.v1.PodStatus.Phase.PHASE_SUCCEEDED)));
        controller.reconcile(KEY);
        assertThat(api.calls()).containsExactly("createPod web-", "updateStatus web");
        assertThat(api.statuses.get(0).getStatus().getReplicas()).isZero();
    }

    @Test
    void adoptsMatchingOrphansOnceTheReplicaSetIsConfirmedAndReleasesPodsThatStopMatching() throws Exception {
        replicaSets.put(rs(2));
        api.stored.put("web", rs(2));
        pods.put(TestPod.named("orphan").label("app", "web").running().build());
        Pod strayed = owned(TestPod.named("strayed").running());
        pods.put(strayed.toBuilder()
                .setMetadata(strayed.getMetadata().toBuilder().putLabels("app", "debug"))
                .build());

        controller.reconcile(KEY);
        assertThat(api.calls())
                .containsExactly(
                        "getReplicaSet web",
                        "updatePod orphan",
                        "updatePod strayed",
                        "createPod web-",
                        "updateStatus web");
    }

    @Test
    void orphansAreNotAdoptedByAReplicaSetTheApiNoLongerHas() throws Exception {
        replicaSets.put(rs(1));
        pods.put(TestPod.named("orphan").label("app", "web").running().build());
        controller.reconcile(KEY);
        assertThat(api.calls()).containsExactly("getReplicaSet web", "createPod web-", "updateStatus web");
    }

    @Test
    void failedCreateIsReportedAndRetriedWithoutWaitingForPodsThatWillNeverCome() throws Exception {
        replicaSets.put(rs(5));
        api.failCreates(new ApiException(io.grpc.Status.Code.RESOURCE_EXHAUSTED, "quota exceeded", false));

        assertThatThrownBy(() -> controller.reconcile(KEY)).hasMessageContaining("quota exceeded");
        // the first batch (1 pod) failed: the other 4 were never asked for
        assertThat(api.calls()).containsExactly("createPod web-", "updateStatus web");
        ReplicaSet reported = api.statuses.get(0);
        assertThat(reported.getStatus().getConditionsList()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("ReplicaFailure");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
        });
        assertThat(events.events()).anyMatch(e -> e.startsWith("Warning FailedCreate"));
        assertThat(expectations.satisfied(KEY.toString())).isTrue();
    }

    @Test
    void deletedReplicaSetForgetsItsExpectations() throws Exception {
        expectations.expectCreations(KEY.toString(), 3);
        controller.reconcile(KEY);
        assertThat(api.calls()).isEmpty();
        assertThat(expectations.satisfied(KEY.toString())).isTrue();
    }

    @Test
    void waitsForMinReadySecondsBeforeCountingAvailable() throws Exception {
        ReplicaSet slow = rs(1).toBuilder()
                .setSpec(rs(1).getSpec().toBuilder().setMinReadySeconds(10))
                .build();
        replicaSets.put(slow);
        pods.put(owned(TestPod.named("a").on("n1").readySince(NOW.minusSeconds(4))));
        var result = controller.reconcile(KEY);
        assertThat(api.statuses.get(0).getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(api.statuses.get(0).getStatus().getAvailableReplicas()).isZero();
        assertThat(result.requeueAfter())
                .isEqualTo(java.time.Duration.ofSeconds(6).plusMillis(1));
        assertThat(api.calls()).containsExactly("updateStatus web");
    }
}
