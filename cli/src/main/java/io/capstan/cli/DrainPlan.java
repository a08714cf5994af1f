package io.capstan.cli;

import io.capstan.proto.api.v1.OwnerReference;
import io.capstan.proto.api.v1.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which pods of a node {@code capstan drain} deletes, with kubectl's filters: pods managed by a
 * DaemonSet are refused unless {@code --ignore-daemonsets} (then skipped, since their controller
 * would put them back), pods no controller owns are refused unless {@code --force} (then deleted:
 * nothing recreates them). Immutable.
 *
 * @param toDelete the pods to delete
 * @param warnings lines to print before deleting
 * @param errors why the drain cannot go on; empty when it can
 */
record DrainPlan(List<Pod> toDelete, List<String> warnings, List<String> errors) {
    private static final String DAEMON_SET = "DaemonSet";

    DrainPlan {
        toDelete = List.copyOf(toDelete);
        warnings = List.copyOf(warnings);
        errors = List.copyOf(errors);
    }

    static DrainPlan of(List<Pod> pods, boolean force, boolean ignoreDaemonSets) {
        List<Pod> toDelete = new ArrayList<>();
        List<String> daemonSetPods = new ArrayList<>();
        List<String> unowned = new ArrayList<>();
        for (Pod pod : pods) {
            Optional<OwnerReference> controller = controllerOf(pod);
            if (controller.isPresent() && controller.get().getKind().equals(DAEMON_SET)) {
                daemonSetPods.add(name(pod));
                continue;
            }
            if (controller.isEmpty()) {
                unowned.add(name(pod));
                if (!force) {
                    continue;
                }
            }
            toDelete.add(pod);
        }
        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (!daemonSetPods.isEmpty()) {
            if (ignoreDaemonSets) {
                warnings.add("ignoring DaemonSet-managed Pods: " + String.join(", ", daemonSetPods));
            } else {
                errors.add("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
                        + String.join(", ", daemonSetPods));
            }
        }
        if (!unowned.isEmpty()) {
            if (force) {
                warnings.add("deleting Pods that declare no controller: " + String.join(", ", unowned));
            } else {
                errors.add("cannot delete Pods that declare no controller (use --force to override): "
                        + String.join(", ", unowned));
            }
        }
        return new DrainPlan(toDelete, warnings, errors);
    }

    /** {@code namespace/name}, as drain names pods. */
    static String name(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static Optional<OwnerReference> controllerOf(Pod pod) {
        return pod.getMetadata().getOwnerReferencesList().stream()
                .filter(OwnerReference::getController)
                .findFirst();
    }
}
