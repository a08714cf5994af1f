package io.capstan.controllers.common;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Pod predicates the workload controllers agree on, as Kubernetes' {@code podutil} and {@code
 * controller.IsPodActive}.
 */
public final class Pods {
    /** The pod condition type that says the pod serves. */
    public static final String READY = "Ready";

    private Pods() {}

    /**
     * Counts toward a controller's replicas: not finished (Succeeded or Failed) and not being
     * deleted.
     */
    public static boolean isActive(Pod pod) {
        PodStatus.Phase phase = pod.getStatus().getPhase();
        return phase != PodStatus.Phase.PHASE_SUCCEEDED
                && phase != PodStatus.Phase.PHASE_FAILED
                && !pod.getMetadata().hasDeletionTimestamp();
    }

    public static boolean isBeingDeleted(Pod pod) {
        return pod.getMetadata().hasDeletionTimestamp();
    }

    /** Its Ready condition is True. */
    public static boolean isReady(Pod pod) {
        return readyCondition(pod)
                .map(c -> c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE)
                .orElse(false);
    }

    public static Optional<Condition> readyCondition(Pod pod) {
        for (Condition condition : pod.getStatus().getConditionsList()) {
            if (condition.getType().equals(READY)) {
                return Optional.of(condition);
            }
        }
        return Optional.empty();
    }

    /**
     * When a ready pod became ready: its Ready condition's lastTransitionTime. Empty when the pod is
     * not ready or the time is unset.
     */
    public static Optional<Instant> readySince(Pod pod) {
        if (!isReady(pod)) {
            return Optional.empty();
        }
        return readyCondition(pod).flatMap(c -> ProtoTimes.instant(c.getLastTransitionTime()));
    }

    /**
     * Ready, and ready for more than {@code minReadySeconds} at {@code now} (Kubernetes'
     * IsPodAvailable: a pod whose ready time is unset counts only when {@code minReadySeconds} is 0).
     */
    public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        if (!isReady(pod)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        return readySince(pod)
                .map(since -> since.plus(Duration.ofSeconds(minReadySeconds)).isBefore(now))
                .orElse(false);
    }

    /**
     * When a ready pod that is not yet available becomes available: the ready time plus {@code
     * minReadySeconds}. Empty when it is not ready, has no ready time, or is already available.
     */
    public static Optional<Instant> availableAt(Pod pod, int minReadySeconds, Instant now) {
        if (minReadySeconds == 0 || isAvailable(pod, minReadySeconds, now)) {
            return Optional.empty();
        }
        return readySince(pod).map(since -> since.plus(Duration.ofSeconds(minReadySeconds)));
    }

    /** The highest restart count of its containers, init containers included. */
    public static int maxContainerRestarts(Pod pod) {
        int max = 0;
        for (ContainerStatus status : pod.getStatus().getInitContainerStatusesList()) {
            max = Math.max(max, status.getRestartCount());
        }
        for (ContainerStatus status : pod.getStatus().getContainerStatusesList()) {
            max = Math.max(max, status.getRestartCount());
        }
        return max;
    }
}
