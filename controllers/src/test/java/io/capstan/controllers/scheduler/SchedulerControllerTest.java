package io.capstan.controllers.scheduler;

import static io.capstan.controllers.scheduler.SchedulerFixtures.bound;
import static io.capstan.controllers.scheduler.SchedulerFixtures.cordoned;
import static io.capstan.controllers.scheduler.SchedulerFixtures.equal;
import static io.capstan.controllers.scheduler.SchedulerFixtures.node;
import static io.capstan.controllers.scheduler.SchedulerFixtures.pod;
import static io.capstan.controllers.scheduler.SchedulerFixtures.tolerating;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withPhase;
import static io.capstan.controllers.scheduler.SchedulerFixtures.withTaint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.capstan.client.ConflictException;
import io.capstan.client.Kind;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectKey;
import io.capstan.client.UnavailableException;
import io.capstan.client.controller.Result;
import io.capstan.client.informer.EventHandler;
import io.capstan.client.informer.Indexer;
import io.capstan.client.scheduler.ManualScheduler;
import io.capstan.client.workqueue.RateLimiter;
import io.capstan.client.workqueue.WorkQueue;
import io.capstan.controllers.scheduler.RecordingBinder.Binding;
import io.capstan.controllers.scheduler.RecordingEventRecorder.Recorded;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TaintEffect;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's reconcile and handlers, with sample-controller's fixture: the cache seeded by hand,
 * one reconcile, and the writes a recording binder saw.
 */
class SchedulerControllerTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final ObjectKey WEB = ObjectKey.of("default", "web");

    private final Indexer<Pod> pods = new Indexer<>(Kind.POD);
    private final ClusterSnapshot snapshot = new ClusterSnapshot();
    private final RecordingBinder binder = new RecordingBinder();
    private final RecordingEventRecorder events = new RecordingEventRecorder();
    private final ManualScheduler timer = new ManualScheduler(NOW);
    private final WorkQueue<ObjectKey> queue = new WorkQueue<>("scheduler", RateLimiter.defaults(), timer);
    private final SchedulerController scheduler =
            new SchedulerController(pods, snapshot, binder, events, timer::now, queue);
    private final EventHandler<Pod> podEvents = scheduler.podHandler();
    private final EventHandler<Node> nodeEvents = scheduler.nodeHandler();

    @Test
    void bindsAPendingPodWithTheResourceVersionReadAndRecordsScheduled() throws Exception {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "1", "1Gi"));
        assertThat(drainQueue()).containsExactly(WEB);

        Result result = scheduler.reconcile(WEB);

        assertThat(result).isEqualTo(Result.done());
        assertThat(binder.bindings).containsExactly(new Binding("default/web", "1", "n1"));
        assertThat(events.recorded)
                .containsExactly(new Recorded(
                        "default/web", Event.Type.TYPE_NORMAL, "Scheduled", "Successfully assigned default/web to n1"));
        assertThat(binder.statusUpdates)
                .as("no status write for a plain binding")
                .isEmpty();
        assertThat(snapshot.assumedNode("uid-web")).contains("n1");
    }

    @Test
    void concurrentPodsSeeEachOthersAssumptions() throws Exception {
        addNode(node("n1", "1", "4Gi"));
        addNode(node("n2", "1", "4Gi"));
        addPod(pod("a", "1", "1Gi"));
        addPod(pod("b", "1", "1Gi"));

        scheduler.reconcile(ObjectKey.of("default", "a"));
        scheduler.reconcile(ObjectKey.of("default", "b"));

        assertThat(binder.bindings).extracting(Binding::node).containsExactlyInAnyOrder("n1", "n2");
    }

    @Test
    void aPodInFlightIsNotBoundTwice() throws Exception {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "1", "1Gi"));
        scheduler.reconcile(WEB);

        scheduler.reconcile(WEB); // the informer has not delivered the binding yet

        assertThat(binder.bindings).hasSize(1);
    }

    @Test
    void aPodThatFitsNowhereGetsTheConditionAndAnEventAndIsParked() throws Exception {
        addNode(node("n1", "1", "4Gi"));
        addNode(withTaint(node("n2", "8", "4Gi"), "k", "v", TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        addPod(pod("web", "2", "1Gi"));

        Result result = scheduler.reconcile(WEB);

        String message = "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}.";
        assertThat(result).isEqualTo(Result.requeueAfter(SchedulerController.UNSCHEDULABLE_RETRY));
        assertThat(binder.bindings).isEmpty();
        assertThat(binder.statusUpdates).hasSize(1);
        assertThat(binder.statusUpdates.get(0).getStatus().getConditionsList())
                .containsExactly(Condition.newBuilder()
                        .setType("PodScheduled")
                        .setStatus(ConditionStatus.CONDITION_STATUS_FALSE)
                        .setReason("Unschedulable")
                        .setMessage(message)
                        .setLastTransitionTime(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()))
                        .build());
        assertThat(binder.statusUpdates.get(0).getMetadata().getResourceVersion())
                .isEqualTo("1");
        assertThat(events.recorded)
                .containsExactly(new Recorded("default/web", Event.Type.TYPE_WARNING, "FailedScheduling", message));
        assertThat(scheduler.unschedulableCount()).isEqualTo(1);
    }

    @Test
    void theConditionIsWrittenOnlyWhenItChanges() throws Exception {
        addNode(node("n1", "1", "4Gi"));
        addPod(pod("web", "2", "1Gi"));
        scheduler.reconcile(WEB);
        drainQueue();
        Pod withCondition = binder.statusUpdates.get(0);
        pods.put(withCondition);
        podEvents.onUpdate(pod("web", "2", "1Gi"), withCondition);
        assertThat(drainQueue()).as("a status-only update does not requeue").isEmpty();

        scheduler.reconcile(WEB);

        assertThat(binder.statusUpdates).hasSize(1);
        assertThat(events.recorded)
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo("FailedScheduling"));
    }

    @Test
    void aNewNodeWakesTheParkedPodWhichThenBinds() throws Exception {
        addNode(node("n1", "1", "4Gi"));
        addPod(pod("web", "2", "1Gi"));
        scheduler.reconcile(WEB);
        drainQueue();
        timer.advance(UnschedulablePods.INITIAL_BACKOFF);

        addNode(node("n2", "4", "8Gi"));

        assertThat(drainQueue()).containsExactly(WEB);
        scheduler.reconcile(WEB);
        assertThat(binder.bindings).containsExactly(new Binding("default/web", "1", "n2"));
        assertThat(scheduler.unschedulableCount()).isZero();
    }

    @Test
    void aChangeRightAfterAFailureWakesThePodOnlyAfterItsBackoff() throws Exception {
        addNode(node("n1", "1", "4Gi"));
        addPod(pod("web", "2", "1Gi"));
        scheduler.reconcile(WEB);
        drainQueue();

        addNode(node("n2", "4", "8Gi"));

        assertThat(drainQueue()).isEmpty();
        timer.advance(UnschedulablePods.INITIAL_BACKOFF);
        assertThat(drainQueue()).containsExactly(WEB);
    }

    @Test
    void uncordoningOrFreeingResourcesWakesParkedPods() throws Exception {
        Node n1 = node("n1", "2", "4Gi");
        addNode(cordoned(n1));
        addPod(pod("web", "1", "1Gi"));
        scheduler.reconcile(WEB);

        drainQueue();
        timer.advance(UnschedulablePods.MAX_BACKOFF);
        nodeEvents.onUpdate(cordoned(n1), n1);
        assertThat(drainQueue()).as("uncordoned").containsExactly(WEB);

        Pod big = bound(pod("big", "2", "1Gi"), "n1");
        addPod(big);
        drainQueue();
        scheduler.reconcile(WEB);
        assertThat(scheduler.unschedulableCount()).isEqualTo(1);
        timer.advance(UnschedulablePods.MAX_BACKOFF);
        podEvents.onDelete(big);
        assertThat(drainQueue()).as("a pod on the node deleted").containsExactly(WEB);
    }

    @Test
    void aHeartbeatDoesNotWakeParkedPods() throws Exception {
        Node n1 = node("n1", "1", "4Gi");
        addNode(n1);
        addPod(pod("web", "2", "1Gi"));
        scheduler.reconcile(WEB);
        drainQueue();

        Node.Builder heartbeat = n1.toBuilder();
        heartbeat
                .getStatusBuilder()
                .getConditionsBuilder(0)
                .setLastHeartbeatTime(Timestamp.newBuilder().setSeconds(99));
        nodeEvents.onUpdate(n1, heartbeat.build());

        assertThat(drainQueue()).isEmpty();
        assertThat(scheduler.unschedulableCount()).isEqualTo(1);
    }

    @Test
    void aBindingConflictDropsTheAssumptionAndFailsTheReconcile() {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "2", "1Gi"));
        binder.bindFailure = new ConflictException("the object has been modified", false);

        assertThatThrownBy(() -> scheduler.reconcile(WEB)).isInstanceOf(ConflictException.class);

        assertThat(snapshot.assumedNode("uid-web")).isEmpty();
        assertThat(snapshot.usage("n1").orElseThrow().pods()).isZero();
        assertThat(events.recorded).isEmpty();
    }

    @Test
    void aConflictAfterARetryThatFindsOurBindingIsASuccess() throws Exception {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "1", "1Gi"));
        binder.bindFailure = new ConflictException("the object has been modified", true);
        binder.stored.put(WEB, bound(pod("web", "1", "1Gi"), "n1"));

        Result result = scheduler.reconcile(WEB);

        assertThat(result).isEqualTo(Result.done());
        assertThat(binder.gets).containsExactly(WEB);
        assertThat(snapshot.assumedNode("uid-web")).contains("n1");
        assertThat(events.recorded).extracting(Recorded::reason).containsExactly("Scheduled");
    }

    @Test
    void aConflictAfterARetryWithoutOurBindingFails() {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "1", "1Gi"));
        binder.bindFailure = new ConflictException("the object has been modified", true);
        binder.stored.put(WEB, pod("web", "1", "1Gi"));

        assertThatThrownBy(() -> scheduler.reconcile(WEB)).isInstanceOf(ConflictException.class);
        assertThat(snapshot.assumedNode("uid-web")).isEmpty();
    }

    @Test
    void anyOtherBindingFailureDropsTheAssumptionToo() {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "1", "1Gi"));
        binder.bindFailure = new UnavailableException(Status.Code.UNAVAILABLE, "no API server answered", false);

        assertThatThrownBy(() -> scheduler.reconcile(WEB)).isInstanceOf(UnavailableException.class);

        assertThat(snapshot.assumedNode("uid-web")).isEmpty();
        assertThat(snapshot.usage("n1").orElseThrow().pods()).isZero();
    }

    @Test
    void aPodDeletedBeforeItsBindingIsDone() throws Exception {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "1", "1Gi"));
        binder.bindFailure = new NotFoundException("pods \"web\" not found", false);

        assertThat(scheduler.reconcile(WEB)).isEqualTo(Result.done());
        assertThat(snapshot.usage("n1").orElseThrow().pods()).isZero();
    }

    @Test
    void aDroppedAssumptionWakesPodsParkedMeanwhile() throws Exception {
        addNode(node("n1", "2", "4Gi"));
        addPod(pod("web", "2", "1Gi"));
        addPod(pod("other", "2", "1Gi"));
        ObjectKey other = ObjectKey.of("default", "other");
        drainQueue();
        // while web's binding is on the wire, "other" finds n1 taken; then web's binding fails
        binder.duringBind = pod -> {
            if (pod.getMetadata().getName().equals("web")) {
                scheduler.reconcile(other);
            }
        };
        binder.bindFailure = new ConflictException("the object has been modified", false);

        assertThatThrownBy(() -> scheduler.reconcile(WEB)).isInstanceOf(ConflictException.class);

        assertThat(drainQueue()).as("woken within other's back-off").isEmpty();
        timer.advance(UnschedulablePods.INITIAL_BACKOFF);
        assertThat(drainQueue()).containsExactly(other);
        scheduler.reconcile(other);
        assertThat(binder.bindings).extracting(Binding::pod).containsExactly("default/web", "default/other");
    }

    @Test
    void aBoundPodStillMarkedUnschedulableIsMarkedScheduled() throws Exception {
        addNode(node("n1", "4", "4Gi"));
        addPod(pod("web", "8", "1Gi"));
        scheduler.reconcile(WEB);
        Pod unschedulable = binder.statusUpdates.get(0);
        Pod boundLater = bound(unschedulable, "n1");

        pods.put(boundLater);
        podEvents.onUpdate(unschedulable, boundLater);
        assertThat(drainQueue()).containsExactly(WEB);
        scheduler.reconcile(WEB);

        assertThat(binder.statusUpdates).hasSize(2);
        Condition condition = binder.statusUpdates.get(1).getStatus().getConditions(0);
        assertThat(condition.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(condition.getReason()).isEmpty();
        assertThat(scheduler.unschedulableCount()).isZero();
    }

    @Test
    void aSpecChangeRequeuesAPendingPod() throws Exception {
        addNode(withTaint(node("n1", "4", "4Gi"), "k", "v", TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        Pod web = pod("web", "1", "1Gi");
        addPod(web);
        scheduler.reconcile(WEB);
        drainQueue();

        Pod tolerant = tolerating(web, equal("k", "v", TaintEffect.TAINT_EFFECT_NO_SCHEDULE));
        pods.put(tolerant);
        podEvents.onUpdate(web, tolerant);

        assertThat(drainQueue()).containsExactly(WEB);
        scheduler.reconcile(WEB);
        assertThat(binder.bindings).extracting(Binding::node).containsExactly("n1");
    }

    @Test
    void podsBeingDeletedOrFinishedOrBoundAreNotScheduled() throws Exception {
        addNode(node("n1", "4", "4Gi"));
        Pod.Builder deleting = pod("deleting", "1", "1Gi").toBuilder();
        deleting.getMetadataBuilder()
                .setDeletionTimestamp(Timestamp.newBuilder().setSeconds(1));
        addPod(deleting.build());
        addPod(withPhase(pod("failed", "1", "1Gi"), PodStatus.Phase.PHASE_FAILED));
        addPod(bound(pod("bound", "1", "1Gi"), "n1"));
        assertThat(drainQueue()).isEmpty();

        for (String name : List.of("deleting", "failed", "bound", "absent")) {
            assertThat(scheduler.reconcile(ObjectKey.of("default", name))).isEqualTo(Result.done());
        }

        assertThat(binder.bindings).isEmpty();
        assertThat(binder.statusUpdates).isEmpty();
    }

    @Test
    void aPodWithAnInvalidRequestGetsAnEventAndNoRetry() throws Exception {
        addNode(node("n1", "4", "4Gi"));
        addPod(pod("web", "lots", "1Gi"));

        assertThat(scheduler.reconcile(WEB)).isEqualTo(Result.done());

        assertThat(events.recorded)
                .containsExactly(new Recorded(
                        "default/web",
                        Event.Type.TYPE_WARNING,
                        "FailedScheduling",
                        "spec.containers[0].resources.requests[cpu]: invalid quantity \"lots\": must start with a"
                                + " number such as 1, 0.5 or .5"));
        assertThat(binder.bindings).isEmpty();
    }

    @Test
    void aPodWhoseClusterChangedWhileItWasTriedIsRetriedSoonInsteadOfParked() throws Exception {
        addNode(node("n1", "1", "4Gi"));
        addPod(pod("web", "2", "1Gi"));
        drainQueue();
        // a node arrives between the algorithm's pass and the park: while the condition is written
        binder.duringStatusUpdate = pod -> nodeEvents.onAdd(node("n2", "1", "4Gi"));

        scheduler.reconcile(WEB);

        assertThat(scheduler.unschedulableCount()).isZero();
        assertThat(drainQueue()).isEmpty();
        timer.advance(UnschedulablePods.INITIAL_BACKOFF);
        assertThat(drainQueue()).containsExactly(WEB);
    }

    private void addNode(Node node) {
        nodeEvents.onAdd(node);
    }

    private void addPod(Pod pod) {
        pods.put(pod);
        podEvents.onAdd(pod);
    }

    /** Takes every key queued now, marking each done. */
    private List<ObjectKey> drainQueue() throws InterruptedException {
        List<ObjectKey> keys = new ArrayList<>();
        for (int i = queue.length(); i > 0; i--) {
            ObjectKey key = queue.take();
            keys.add(key);
            queue.done(key);
        }
        return keys;
    }
}
