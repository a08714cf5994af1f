package io.capstan.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.KubeletHarness;
import io.capstan.kubelet.pod.PodStatuses.Observed;
import io.capstan.kubelet.pod.PodStatuses.Waiting;
import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.RuntimeContainer.State;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.PodStatus.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodStatusesTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static Pod pod(String restartPolicy) {
        return KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default, uid: u1}
                spec:
                  restartPolicy: %s
                  initContainers: [{name: init, image: demo}]
                  containers: [{name: a, image: demo}, {name: b, image: demo}]
                """.formatted(restartPolicy));
    }

    private static RuntimeContainer run(String name, int attempt, State state, int exitCode) {
        return new RuntimeContainer(
                name + attempt,
                new ContainerLabels("n", "u1", "default", "p", name, attempt),
                state,
                exitCode,
                "",
                "",
                NOW,
                NOW,
                state == State.EXITED ? NOW : null,
                "img");
    }

    private static Observed observed(RuntimeContainer... runs) {
        return new Observed(List.of(runs), null, true, true);
    }

    private static PodStatus compute(Pod pod, Map<String, Observed> observed, boolean terminating) {
        return PodStatuses.compute(pod, observed, List.of(), "127.0.0.1", "fake", terminating, NOW);
    }

    private static ConditionStatus condition(PodStatus status, String type) {
        return status.getConditionsList().stream()
                .filter(c -> c.getType().equals(type))
                .map(Condition::getStatus)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void pendingUntilInitContainersSucceedThenRunningAndReady() {
        PodStatus initializing =
                compute(pod("Always"), Map.of("init", observed(run("init", 0, State.RUNNING, 0))), false);
        assertThat(initializing.getPhase()).isEqualTo(Phase.PHASE_PENDING);
        assertThat(condition(initializing, "Initialized")).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
        assertThat(initializing.getContainerStatuses(0).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");

        Map<String, Observed> running = Map.of(
                "init", observed(run("init", 0, State.EXITED, 0)),
                "a", observed(run("a", 0, State.RUNNING, 0)),
                "b", observed(run("b", 0, State.RUNNING, 0)));
        PodStatus status = compute(pod("Always"), running, false);
        assertThat(status.getPhase()).isEqualTo(Phase.PHASE_RUNNING);
        assertThat(condition(status, "Initialized")).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(condition(status, "Ready")).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(status.getInitContainerStatuses(0).getState().getTerminated().getReason())
                .isEqualTo("Completed");

        PodStatus terminating = compute(pod("Always"), running, true);
        assertThat(condition(terminating, "Ready")).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
        assertThat(terminating.getContainerStatusesList()).noneMatch(c -> c.getReady());
    }

    @Test
    void aCrashLoopKeepsThePodRunningWithTheLastExitInLastState() {
        Map<String, Observed> observed = Map.of(
                "init", observed(run("init", 0, State.EXITED, 0)),
                "a",
                        new Observed(
                                List.of(run("a", 1, State.EXITED, 1), run("a", 2, State.EXITED, 3)),
                                new Waiting("CrashLoopBackOff", "back-off 20s"),
                                false,
                                false),
                "b", observed(run("b", 0, State.RUNNING, 0)));
        PodStatus status = compute(pod("Always"), observed, false);
        assertThat(status.getPhase()).isEqualTo(Phase.PHASE_RUNNING);
        var a = status.getContainerStatuses(0);
        assertThat(a.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(a.getLastState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(a.getRestartCount()).isEqualTo(2);
        assertThat(condition(status, "Ready")).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    }

    @Test
    void phasesOfFinishedPodsFollowTheRestartPolicy() {
        Map<String, Observed> allOk = Map.of(
                "init", observed(run("init", 0, State.EXITED, 0)),
                "a", observed(run("a", 0, State.EXITED, 0)),
                "b", observed(run("b", 0, State.EXITED, 0)));
        Map<String, Observed> oneFailed = Map.of(
                "init", observed(run("init", 0, State.EXITED, 0)),
                "a", observed(run("a", 0, State.EXITED, 0)),
                "b", observed(run("b", 0, State.EXITED, 137)));
        assertThat(compute(pod("Never"), allOk, false).getPhase()).isEqualTo(Phase.PHASE_SUCCEEDED);
        assertThat(compute(pod("OnFailure"), allOk, false).getPhase()).isEqualTo(Phase.PHASE_SUCCEEDED);
        assertThat(compute(pod("Never"), oneFailed, false).getPhase()).isEqualTo(Phase.PHASE_FAILED);
        assertThat(compute(pod("OnFailure"), oneFailed, false).getPhase()).isEqualTo(Phase.PHASE_RUNNING);
        assertThat(compute(pod("Always"), allOk, false).getPhase()).isEqualTo(Phase.PHASE_RUNNING);
        var killed = compute(pod("Never"), oneFailed, false)
                .getContainerStatuses(1)
                .getState()
                .getTerminated();
        assertThat(killed.getSignal()).isEqualTo(9);
        assertThat(killed.getReason()).isEqualTo("Error");
        Map<String, Observed> initFailed = Map.of("init", observed(run("init", 0, State.EXITED, 1)));
        assertThat(compute(pod("Never"), initFailed, false).getPhase()).isEqualTo(Phase.PHASE_FAILED);
        assertThat(compute(pod("Always"), initFailed, false).getPhase()).isEqualTo(Phase.PHASE_PENDING);
    }
}
