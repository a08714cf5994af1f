package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Timestamp;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PodStartupsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong wallMillis =
            new AtomicLong(Instant.parse("2025-01-01T00:00:10Z").toEpochMilli());
    private final PodStartups startups = new PodStartups(nanos::get, () -> Instant.ofEpochMilli(wallMillis.get()));

    @Test
    void timesEachPodFromItsCreationThroughSchedulingToRunningAndReady() {
        Pod created = pod("a", "");
        startups.onAdd(created);
        advanceMillis(200);
        Pod bound = pod("a", "node-1");
        startups.onUpdate(created, bound);
        advanceMillis(50);
        startups.creating("a", nanos.get());
        advanceMillis(250);
        Pod pending = withStatus(bound, PodStatus.Phase.PHASE_PENDING, ConditionStatus.CONDITION_STATUS_FALSE);
        startups.onUpdate(bound, pending);
        startups.started("a", nanos.get());
        startups.started("a", nanos.get() + 1_000_000_000L); // a later start (a restart) does not count
        advanceMillis(100);
        Pod running = withStatus(bound, PodStatus.Phase.PHASE_RUNNING, ConditionStatus.CONDITION_STATUS_TRUE);
        startups.onUpdate(pending, running);
        startups.onUpdate(running, running); // a resync is not an update

        PodStartups.Result result = startups.result();
        assertThat(result.running()).isEqualTo(1);
        assertThat(result.startup().percentileMillis(50)).isCloseTo(600, within(1.0));
        assertThat(result.createToScheduled().percentileMillis(50)).isCloseTo(200, within(1.0));
        assertThat(result.scheduledToRunning().percentileMillis(50)).isCloseTo(400, within(1.0));
        assertThat(result.scheduledToContainerCreating().percentileMillis(50)).isCloseTo(50, within(1.0));
        assertThat(result.containerCreatingToStarted().percentileMillis(50)).isCloseTo(250, within(1.0));
        assertThat(result.containerStartedToRunning().percentileMillis(50)).isCloseTo(100, within(1.0));
        // creationTimestamp 00:00:10 (whole seconds), Running seen at 00:00:10.600
        assertThat(result.startupFromCreationTimestamp().percentileMillis(50)).isCloseTo(600, within(1.0));
        assertThat(result.updatesPerPod().getMax()).isEqualTo(3);
        assertThat(result.podsPerNode().getMax()).isEqualTo(1);
    }

    @Test
    void runningButNotReadyIsNotStartedAndCountsOnce() {
        Pod created = pod("b", "node-1");
        startups.onAdd(created);
        Pod notReady = withStatus(created, PodStatus.Phase.PHASE_RUNNING, ConditionStatus.CONDITION_STATUS_FALSE);
        startups.onUpdate(created, notReady);
        assertThat(startups.running()).isZero();

        Pod ready = withStatus(created, PodStatus.Phase.PHASE_RUNNING, ConditionStatus.CONDITION_STATUS_TRUE);
        startups.onUpdate(notReady, ready);
        startups.onUpdate(ready, ready.toBuilder().build());
        startups.onDelete(ready);

        assertThat(startups.running()).isEqualTo(1);
        assertThat(startups.deleted()).isEqualTo(1);
        assertThat(startups.result().scheduled()).isEqualTo(1);
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000);
        wallMillis.addAndGet(millis);
    }

    private static Pod pod(String uid, String node) {
        Pod.Builder pod = Pod.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace("density")
                        .setName("pod-" + uid)
                        .setUid(uid)
                        .setCreationTimestamp(Timestamp.newBuilder()
                                .setSeconds(
                                        Instant.parse("2025-01-01T00:00:10Z").getEpochSecond())));
        pod.getSpecBuilder().setNodeName(node);
        return pod.build();
    }

    private static Pod withStatus(Pod pod, PodStatus.Phase phase, ConditionStatus ready) {
        return pod.toBuilder()
                .setStatus(PodStatus.newBuilder()
                        .setPhase(phase)
                        .addConditions(Condition.newBuilder().setType("Ready").setStatus(ready)))
                .build();
    }
}
