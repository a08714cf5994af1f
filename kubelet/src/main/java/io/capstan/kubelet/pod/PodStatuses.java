package io.capstan.kubelet.pod;

import io.capstan.client.events.ProtoTimes;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.ContainerState;
import io.capstan.proto.api.v1.ContainerStateRunning;
import io.capstan.proto.api.v1.ContainerStateTerminated;
import io.capstan.proto.api.v1.ContainerStateWaiting;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodSpec.RestartPolicy;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.PodStatus.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A pod's status from what runs on the node, as Kubernetes' kubelet computes it: a status per
 * container (state, last state, restarts, ready, started), the phase, and the conditions
 * PodScheduled, Initialized, ContainersReady and Ready. Pure: the worker gathers the inputs.
 */
final class PodStatuses {
    private PodStatuses() {}

    /** Why a container waits when it is not simply being created: an error or a back-off. */
    record Waiting(String reason, String message) {}

    /** What the worker knows of one container name: its runs, oldest first, and its probes. */
    record Observed(List<RuntimeContainer> runs, @Nullable Waiting waiting, boolean started, boolean ready) {
        @Nullable
        RuntimeContainer latest() {
            return runs.isEmpty() ? null : runs.get(runs.size() - 1);
        }

        @Nullable
        RuntimeContainer previous() {
            return runs.size() < 2 ? null : runs.get(runs.size() - 2);
        }
    }

    static PodStatus compute(
            Pod pod,
            Map<String, Observed> observed,
            List<HostPortBinding> hostPorts,
            String hostIp,
            String runtime,
            boolean terminating,
            Instant now) {
        PodStatus current = pod.getStatus();
        List<ContainerStatus> initStatuses = new ArrayList<>();
        List<String> incompleteInit = new ArrayList<>();
        boolean initFailed = false;
        for (Container spec : pod.getSpec().getInitContainersList()) {
            Observed o = observed.getOrDefault(spec.getName(), new Observed(List.of(), null, false, false));
            ContainerStatus status = containerStatus(spec, o, runtime, "PodInitializing", false);
            initStatuses.add(status);
            RuntimeContainer latest = o.latest();
            if (latest == null || !latest.exited() || latest.exitCode() != 0) {
                incompleteInit.add(spec.getName());
                if (latest != null && latest.exited() && latest.exitCode() != 0) {
                    initFailed = true;
                }
            }
        }
        boolean initialized = incompleteInit.isEmpty();
        List<ContainerStatus> statuses = new ArrayList<>();
        List<String> unready = new ArrayList<>();
        for (Container spec : pod.getSpec().getContainersList()) {
            Observed o = observed.getOrDefault(spec.getName(), new Observed(List.of(), null, false, false));
            ContainerStatus status = containerStatus(
                    spec, o, runtime, initialized ? "ContainerCreating" : "PodInitializing", terminating);
            statuses.add(status);
            if (!status.getReady()) {
                unready.add(spec.getName());
            }
        }
        Phase phase = phase(pod.getSpec().getRestartPolicy(), initialized, initFailed, statuses);
        PodStatus.Builder status = PodStatus.newBuilder()
                .setPhase(phase)
                .setHostIp(hostIp)
                .setPodIp(hostIp)
                .setStartTime(current.hasStartTime() ? current.getStartTime() : ProtoTimes.wholeSeconds(now))
                .addAllInitContainerStatuses(initStatuses)
                .addAllContainerStatuses(statuses)
                .addAllHostPorts(hostPorts);
        boolean done = phase == Phase.PHASE_SUCCEEDED || phase == Phase.PHASE_FAILED;
        status.addConditions(condition(current, "PodScheduled", true, "", "", now));
        status.addConditions(condition(
                current,
                "Initialized",
                initialized,
                "ContainersNotInitialized",
                "containers with incomplete status: " + incompleteInit,
                now));
        String notReadyReason = done ? "PodCompleted" : "ContainersNotReady";
        String notReadyMessage = done ? "" : "containers with unready status: " + unready;
        boolean ready = unready.isEmpty() && !done;
        status.addConditions(condition(current, "ContainersReady", ready, notReadyReason, notReadyMessage, now));
        status.addConditions(condition(current, "Ready", ready, notReadyReason, notReadyMessage, now));
        return status.build();
    }

    static ContainerStatus containerStatus(
            Container spec, Observed o, String runtime, String defaultWaiting, boolean terminating) {
        ContainerStatus.Builder b =
                ContainerStatus.newBuilder().setName(spec.getName()).setImage(spec.getImage());
        RuntimeContainer latest = o.latest();
        RuntimeContainer previous = o.previous();
        if (latest != null) {
            b.setRestartCount(latest.labels().attempt())
                    .setContainerId(runtime + "://" + latest.id())
                    .setImageId(latest.imageId());
        }
        Waiting waiting = o.waiting();
        if (waiting != null) {
            b.setState(waiting(waiting.reason(), waiting.message()));
            if (latest != null && latest.exited()) {
                b.setLastState(terminated(latest, runtime));
            } else if (previous != null && previous.exited()) {
                b.setLastState(terminated(previous, runtime));
            }
        } else if (latest == null) {
            b.setState(waiting(defaultWaiting, ""));
        } else {
            switch (latest.state()) {
                case CREATED -> b.setState(waiting("ContainerCreating", ""));
                case RUNNING ->
                    b.setState(ContainerState.newBuilder()
                            .setRunning(ContainerStateRunning.newBuilder()
                                    .setStartedAt(ProtoTimes.wholeSeconds(startedAt(latest)))));
                case EXITED -> b.setState(terminated(latest, runtime));
            }
            if (previous != null && previous.exited()) {
                b.setLastState(terminated(previous, runtime));
            }
        }
        boolean running = latest != null && latest.running() && waiting == null;
        b.setStarted(running && o.started());
        b.setReady(running && o.started() && o.ready() && !terminating);
        return b.build();
    }

    /** Kubernetes' getPhase. A container waiting after a run (crash loop) counts as stopped. */
    static Phase phase(RestartPolicy policy, boolean initialized, boolean initFailed, List<ContainerStatus> statuses) {
        if (!initialized) {
            return initFailed && policy == RestartPolicy.RESTART_POLICY_NEVER
                    ? Phase.PHASE_FAILED
                    : Phase.PHASE_PENDING;
        }
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (ContainerStatus status : statuses) {
            if (status.getState().hasRunning()) {
                running++;
            } else if (status.getState().hasTerminated()) {
                stopped++;
                if (status.getState().getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (status.getLastState().hasTerminated()) {
                stopped++;
                if (status.getLastState().getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return Phase.PHASE_PENDING;
        }
        if (running > 0) {
            return Phase.PHASE_RUNNING;
        }
        if (stopped > 0) {
            if (policy == RestartPolicy.RESTART_POLICY_ALWAYS || policy == RestartPolicy.RESTART_POLICY_UNSPECIFIED) {
                return Phase.PHASE_RUNNING;
            }
            if (stopped == succeeded) {
                return Phase.PHASE_SUCCEEDED;
            }
            if (policy == RestartPolicy.RESTART_POLICY_NEVER) {
                return Phase.PHASE_FAILED;
            }
            return Phase.PHASE_RUNNING;
        }
        return Phase.PHASE_PENDING;
    }

    static ContainerState waiting(String reason, String message) {
        return ContainerState.newBuilder()
                .setWaiting(ContainerStateWaiting.newBuilder().setReason(reason).setMessage(message))
                .build();
    }

    static ContainerState terminated(RuntimeContainer c, String runtime) {
        String reason = !c.reason().isEmpty() ? c.reason() : c.exitCode() == 0 ? "Completed" : "Error";
        ContainerStateTerminated.Builder t = ContainerStateTerminated.newBuilder()
                .setExitCode(c.exitCode())
                .setReason(reason)
                .setMessage(c.message())
                .setContainerId(runtime + "://" + c.id())
                .setStartedAt(ProtoTimes.wholeSeconds(startedAt(c)));
        if (c.finishedAt() != null) {
            t.setFinishedAt(ProtoTimes.wholeSeconds(c.finishedAt()));
        }
        if (c.exitCode() > 128 && c.exitCode() < 160) {
            t.setSignal(c.exitCode() - 128);
        }
        return ContainerState.newBuilder().setTerminated(t).build();
    }

    private static Instant startedAt(RuntimeContainer c) {
        return c.startedAt() != null ? c.startedAt() : c.createdAt();
    }

    private static Condition condition(
            PodStatus current, String type, boolean value, String falseReason, String falseMessage, Instant now) {
        ConditionStatus status = value ? ConditionStatus.CONDITION_STATUS_TRUE : ConditionStatus.CONDITION_STATUS_FALSE;
        Condition.Builder c = Condition.newBuilder()
                .setType(type)
                .setStatus(status)
                .setReason(value ? "" : falseReason)
                .setMessage(value ? "" : falseMessage);
        Condition before = current.getConditionsList().stream()
                .filter(existing -> existing.getType().equals(type))
                .findFirst()
                .orElse(null);
        if (before != null && before.getStatus() == status && before.hasLastTransitionTime()) {
            c.setLastTransitionTime(before.getLastTransitionTime());
        } else {
            c.setLastTransitionTime(ProtoTimes.wholeSeconds(now));
        }
        return c.build();
    }
}
