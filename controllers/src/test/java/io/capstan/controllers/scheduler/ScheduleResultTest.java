package io.capstan.controllers.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScheduleResultTest {

    @Test
    void theMessageCountsEachReasonOverTheNodesInKubeSchedulerWords() {
        SortedMap<String, List<String>> reasons = new TreeMap<>();
        reasons.put("n1", List.of("node(s) had untolerated taint {k: v}"));
        reasons.put("n2", List.of("Insufficient cpu"));
        reasons.put("n3", List.of("Insufficient cpu"));

        assertThat(ScheduleResult.unschedulable(3, reasons).message())
                .isEqualTo("0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.");
    }

    @Test
    void aNodeWithSeveralInsufficientResourcesCountsForEach() {
        SortedMap<String, List<String>> reasons = new TreeMap<>();
        reasons.put("n1", List.of("Insufficient cpu", "Insufficient memory"));
        reasons.put("n2", List.of("Insufficient memory"));

        assertThat(ScheduleResult.unschedulable(2, reasons).message())
                .isEqualTo("0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.");
    }

    @Test
    void reasonsAreSortedAsStringsWithTheirCounts() {
        SortedMap<String, List<String>> reasons = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            reasons.put("a" + i, List.of("node(s) were unschedulable"));
        }
        reasons.put("b", List.of("Insufficient cpu"));
        reasons.put("c", List.of("Insufficient cpu"));

        // "10 ..." sorts before "2 ...", as kube-scheduler's sort.Strings has it
        assertThat(ScheduleResult.unschedulable(12, reasons).message())
                .isEqualTo("0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu.");
    }

    @Test
    void withoutNodesTheMessageSaysSo() {
        assertThat(ScheduleResult.unschedulable(0, new TreeMap<>()).message())
                .isEqualTo("no nodes available to schedule pods");
    }

    @Test
    void aScheduledResultNamesItsNode() {
        ScheduleResult result = ScheduleResult.scheduled("n1", 1, new TreeMap<>());

        assertThat(result.isScheduled()).isTrue();
        assertThat(result.selectedNode()).contains("n1");
    }
}
