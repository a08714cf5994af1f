package io.capstan.controllers.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of scheduling one pod: the node chosen, if any, and why each other node was filtered
 * out.
 *
 * @param selectedNode the chosen node's name; empty if the pod fits no node
 * @param nodeCount how many nodes were considered
 * @param reasons for each node the pod does not fit, the reasons, in the order the filters found
 *     them (one reason, or one per insufficient resource); by node name
 */
record ScheduleResult(Optional<String> selectedNode, int nodeCount, SortedMap<String, List<String>> reasons) {

    ScheduleResult {
        reasons = Collections.unmodifiableSortedMap(new TreeMap<>(reasons));
    }

    static ScheduleResult scheduled(String node, int nodeCount, SortedMap<String, List<String>> reasons) {
        return new ScheduleResult(Optional.of(node), nodeCount, reasons);
    }

    static ScheduleResult unschedulable(int nodeCount, SortedMap<String, List<String>> reasons) {
        return new ScheduleResult(Optional.empty(), nodeCount, reasons);
    }

    boolean isScheduled() {
        return selectedNode.isPresent();
    }

    /**
     * Why the pod fits nowhere, in kube-scheduler's FitError words: {@code "0/3 nodes are available:
     * 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu."}: each reason with the number of
     * nodes that gave it, sorted as strings, as kube-scheduler sorts them. With no nodes at all,
     * kube-scheduler's {@code "no nodes available to schedule pods"}.
     */
    String message() {
        if (nodeCount == 0) {
            return "no nodes available to schedule pods";
        }
        Map<String, Integer> histogram = new TreeMap<>();
        for (List<String> nodeReasons : reasons.values()) {
            for (String reason : nodeReasons) {
                histogram.merge(reason, 1, Integer::sum);
            }
        }
        List<String> counted = new ArrayList<>(histogram.size());
        histogram.forEach((reason, count) -> counted.add(count + " " + reason));
        Collections.sort(counted);
        int available = nodeCount - reasons.size();
        return available + "/" + nodeCount + " nodes are available: " + String.join(", ", counted) + ".";
    }
}
