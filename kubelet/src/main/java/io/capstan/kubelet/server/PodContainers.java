package io.capstan.kubelet.server;

import io.capstan.kubelet.runtime.ContainerLabels;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.proto.kubelet.v1.ContainerRef;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the runtime container a request names, by the labels every container carries. The
 * current instance is the one of the highest attempt; the previous one is the exited instance of
 * the highest attempt below it.
 */
final class PodContainers {
    private static final Comparator<RuntimeContainer> NEWEST_FIRST = Comparator.comparingInt(
                    (RuntimeContainer c) -> c.labels().attempt())
            .thenComparing(RuntimeContainer::createdAt)
            .reversed();

    private final ContainerRuntime runtime;

    PodContainers(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Checks the fields every request needs; INVALID_ARGUMENT naming the field otherwise. */
    static void validate(ContainerRef ref) {
        if (ref.getPodNamespace().isEmpty()) {
            throw invalid("container.pod_namespace: required");
        }
        if (ref.getPodName().isEmpty()) {
            throw invalid("container.pod_name: required");
        }
        if (ref.getContainer().isEmpty()) {
            throw invalid("container.container: required");
        }
    }

    /** @throws StatusRuntimeException NOT_FOUND when the pod has no container of that name here */
    RuntimeContainer current(ContainerRef ref) {
        List<RuntimeContainer> instances = instances(ref);
        if (instances.isEmpty()) {
            throw Status.NOT_FOUND
                    .withDescription(
                            "container \"" + ref.getContainer() + "\" in pod \"" + ref.getPodName() + "\" not found")
                    .asRuntimeException();
        }
        return instances.get(0);
    }

    /** @throws StatusRuntimeException NOT_FOUND when there is no earlier instance that has exited */
    RuntimeContainer previous(ContainerRef ref) {
        List<RuntimeContainer> instances = instances(ref);
        if (!instances.isEmpty()) {
            int currentAttempt = instances.get(0).labels().attempt();
            for (RuntimeContainer instance : instances) {
                if (instance.labels().attempt() < currentAttempt && instance.exited()) {
                    return instance;
                }
            }
        }
        throw Status.NOT_FOUND
                .withDescription("previous terminated container \"" + ref.getContainer() + "\" in pod \""
                        + ref.getPodName() + "\" not found")
                .asRuntimeException();
    }

    /** The pod's instances of the container on this node, newest first. */
    private List<RuntimeContainer> instances(ContainerRef ref) {
        return runtime.list().stream()
                .filter(c -> matches(c.labels(), ref))
                .sorted(NEWEST_FIRST)
                .toList();
    }

    private static boolean matches(ContainerLabels labels, ContainerRef ref) {
        return labels.podNamespace().equals(ref.getPodNamespace())
                && labels.podName().equals(ref.getPodName())
                && labels.containerName().equals(ref.getContainer())
                && (ref.getPodUid().isEmpty() || labels.podUid().equals(ref.getPodUid()));
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
