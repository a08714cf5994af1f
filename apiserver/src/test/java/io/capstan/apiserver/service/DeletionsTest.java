package io.capstan.apiserver.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.apiserver.registry.ValidationException;
import io.capstan.apiserver.service.Deletions.Action;
import io.capstan.apiserver.service.Deletions.Outcome;
import io.capstan.apiserver.storage.ObjectKind;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.DeleteRequest;
import io.capstan.proto.api.v1.DeleteRequest.PropagationPolicy;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.NamespaceStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a delete does to the object it finds, as Kubernetes decides it. */
class DeletionsTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final DeleteRequest PLAIN = DeleteRequest.getDefaultInstance();

    @Test
    void anObjectWithoutGraceOrFinalizersIsRemovedAtOnce() {
        TypedObject configMap = configMap(ObjectMeta.newBuilder().setName("settings"));

        Outcome outcome = Deletions.decide(ObjectKind.CONFIG_MAP, configMap, PLAIN, NOW);

        assertThat(outcome.action()).isEqualTo(Action.REMOVE);
        assertThat(outcome.object()).isEqualTo(configMap);
    }

    @Test
    void aRunningBoundPodIsMarkedWithItsOwnGracePeriodOrTheRequests() {
        TypedObject pod = pod("node-1", PodStatus.Phase.PHASE_RUNNING, 45, ObjectMeta.newBuilder());

        ObjectMeta marked = marked(Deletions.decide(ObjectKind.POD, pod, PLAIN, NOW));
        assertThat(marked.getDeletionGracePeriodSeconds()).isEqualTo(45);
        assertThat(marked.getDeletionTimestamp().getSeconds())
                .isEqualTo(NOW.plusSeconds(45).getEpochSecond());
        assertThat(marked.getGeneration()).isEqualTo(2);

        ObjectMeta quick = marked(Deletions.decide(
                ObjectKind.POD,
                pod,
                DeleteRequest.newBuilder().setGracePeriodSeconds(5).build(),
                NOW));
        assertThat(quick.getDeletionGracePeriodSeconds()).isEqualTo(5);
    }

    @Test
    void aPodWithoutItsOwnGracePeriodGetsThirtySeconds() {
        TypedObject pod = pod("node-1", PodStatus.Phase.PHASE_RUNNING, -1, ObjectMeta.newBuilder());

        assertThat(marked(Deletions.decide(ObjectKind.POD, pod, PLAIN, NOW)).getDeletionGracePeriodSeconds())
                .isEqualTo(30);
    }

    @Test
    void anUnboundOrFinishedPodHasNothingToStopAndIsRemovedAtOnce() {
        TypedObject unbound = pod("", PodStatus.Phase.PHASE_PENDING, 30, ObjectMeta.newBuilder());
        TypedObject succeeded = pod("node-1", PodStatus.Phase.PHASE_SUCCEEDED, 30, ObjectMeta.newBuilder());
        TypedObject failed = pod("node-1", PodStatus.Phase.PHASE_FAILED, 30, ObjectMeta.newBuilder());

        for (TypedObject pod : new TypedObject[] {unbound, succeeded, failed}) {
            assertThat(Deletions.decide(ObjectKind.POD, pod, PLAIN, NOW).action())
                    .isEqualTo(Action.REMOVE);
        }
    }

    @Test
    void aNegativeGracePeriodIsRejectedNamingTheField() {
        TypedObject pod = pod("node-1", PodStatus.Phase.PHASE_RUNNING, 30, ObjectMeta.newBuilder());

        assertThatThrownBy(() -> Deletions.decide(
                        ObjectKind.POD,
                        pod,
                        DeleteRequest.newBuilder().setGracePeriodSeconds(-1).build(),
                        NOW))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("gracePeriodSeconds");
    }

    @Test
    void aMarkedPodsGraceMayOnlyShortenAndZeroRemovesIt() {
        TypedObject marking = pod("node-1", PodStatus.Phase.PHASE_RUNNING, 30, ObjectMeta.newBuilder());
        TypedObject pod = Deletions.decide(ObjectKind.POD, marking, PLAIN, NOW).object();

        assertThat(Deletions.decide(ObjectKind.POD, pod, grace(60), NOW.plusSeconds(1))
                        .action())
                .isEqualTo(Action.UNCHANGED);
        ObjectMeta shorter = marked(Deletions.decide(ObjectKind.POD, pod, grace(10), NOW.plusSeconds(1)));
        assertThat(shorter.getDeletionGracePeriodSeconds()).isEqualTo(10);
        assertThat(shorter.getDeletionTimestamp().getSeconds())
                .isEqualTo(NOW.plusSeconds(11).getEpochSecond());
        // the kubelet's confirmation once the containers have stopped
        assertThat(Deletions.decide(ObjectKind.POD, pod, grace(0), NOW.plusSeconds(2))
                        .action())
                .isEqualTo(Action.REMOVE);
    }

    @Test
    void orphanAndForegroundPoliciesAddTheirFinalizerAndKeepTheObject() {
        TypedObject configMap = configMap(ObjectMeta.newBuilder().setName("settings"));

        ObjectMeta orphaned = marked(Deletions.decide(
                ObjectKind.CONFIG_MAP, configMap, policy(PropagationPolicy.PROPAGATION_POLICY_ORPHAN), NOW));
        assertThat(orphaned.getFinalizersList()).containsExactly("orphan");
        assertThat(orphaned.hasDeletionTimestamp()).isTrue();
        ObjectMeta foreground = marked(Deletions.decide(
                ObjectKind.CONFIG_MAP, configMap, policy(PropagationPolicy.PROPAGATION_POLICY_FOREGROUND), NOW));
        assertThat(foreground.getFinalizersList()).containsExactly("foregroundDeletion");
    }

    @Test
    void anObjectWithFinalizersStaysMarkedAndASecondDeleteChangesNothing() {
        TypedObject held = configMap(ObjectMeta.newBuilder().setName("settings").addFinalizers("example.com/keep"));

        Outcome first = Deletions.decide(ObjectKind.CONFIG_MAP, held, PLAIN, NOW);
        assertThat(marked(first).getFinalizersList()).containsExactly("example.com/keep");

        assertThat(Deletions.decide(ObjectKind.CONFIG_MAP, first.object(), PLAIN, NOW.plusSeconds(5))
                        .action())
                .isEqualTo(Action.UNCHANGED);
        assertThat(Deletions.readyToRemove(ObjectKind.CONFIG_MAP, first.object()))
                .isFalse();
    }

    @Test
    void aNamespaceWithItsFinalizerTurnsTerminating() {
        Namespace.Builder namespace = Namespace.newBuilder();
        namespace.getMetadataBuilder().setName("shop").setGeneration(1);
        namespace.getSpecBuilder().addFinalizers("kubernetes");
        namespace.getStatusBuilder().setPhase(NamespaceStatus.Phase.PHASE_ACTIVE);
        TypedObject typed = TypedObject.newBuilder().setNamespace(namespace).build();

        Outcome outcome = Deletions.decide(ObjectKind.NAMESPACE, typed, PLAIN, NOW);

        assertThat(outcome.action()).isEqualTo(Action.MARK);
        assertThat(outcome.object().getNamespace().getStatus().getPhase())
                .isEqualTo(NamespaceStatus.Phase.PHASE_TERMINATING);
        assertThat(outcome.object().getNamespace().getMetadata().hasDeletionTimestamp())
                .isTrue();
    }

    private static ObjectMeta marked(Outcome outcome) {
        assertThat(outcome.action()).isEqualTo(Action.MARK);
        return ObjectKind.metadata(outcome.object());
    }

    private static DeleteRequest grace(long seconds) {
        return DeleteRequest.newBuilder().setGracePeriodSeconds(seconds).build();
    }

    private static DeleteRequest policy(PropagationPolicy policy) {
        return DeleteRequest.newBuilder().setPropagationPolicy(policy).build();
    }

    private static TypedObject configMap(ObjectMeta.Builder meta) {
        return TypedObject.newBuilder()
                .setConfigMap(ConfigMap.newBuilder()
                        .setMetadata(meta.setNamespace("default").setGeneration(1)))
                .build();
    }

    /** A pod on {@code node} (empty: unbound) in {@code phase}, with its own grace unless negative. */
    private static TypedObject pod(String node, PodStatus.Phase phase, long grace, ObjectMeta.Builder meta) {
        Pod.Builder pod = Pod.newBuilder()
                .setMetadata(meta.setName("web").setNamespace("default").setGeneration(1));
        pod.getSpecBuilder().setNodeName(node);
        if (grace >= 0) {
            pod.getSpecBuilder().setTerminationGracePeriodSeconds(grace);
        }
        pod.getStatusBuilder().setPhase(phase);
        return TypedObject.newBuilder().setPod(pod).build();
    }
}
