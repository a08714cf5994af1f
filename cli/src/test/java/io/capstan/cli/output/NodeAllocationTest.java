package io.capstan.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.api.manifest.ManifestKind;
import io.capstan.api.manifest.Manifests;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the pods of a node request, and how get nodes -o wide shows it. */
class NodeAllocationTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private static Pod pod(String yaml) {
        return Manifests.readYaml("apiVersion: v1\nkind: Pod\n" + yaml).get(0).getPod();
    }

    private static final Pod WEB = pod("""
            metadata: {name: web, namespace: d}
            spec:
              nodeName: n1
              containers:
              - {name: a, image: x, resources: {requests: {cpu: 250m, memory: 128Mi}}}
              - {name: b, image: x, resources: {limits: {cpu: "1", memory: 1Gi}}}
            status: {phase: Running}
            """);
    private static final Pod INIT_HEAVY = pod("""
            metadata: {name: init, namespace: d}
            spec:
              nodeName: n1
              initContainers: [{name: i, image: x, resources: {requests: {cpu: "2"}}}]
              containers: [{name: a, image: x, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
            status: {phase: Pending}
            """);
    private static final Pod DONE = pod("""
            metadata: {name: done, namespace: d}
            spec:
              nodeName: n1
              containers: [{name: a, image: x, resources: {requests: {cpu: "4"}}}]
            status: {phase: Succeeded}
            """);
    private static final Pod ELSEWHERE = pod("""
            metadata: {name: other, namespace: d}
            spec:
              nodeName: n2
              containers: [{name: a, image: x, resources: {requests: {memory: 1Mi}}}]
            """);

    @Test
    void sumsContainersTakesTheLargestInitContainerAndSkipsFinishedPods() {
        assertThat(NodeAllocation.byNode(List.of(WEB, INIT_HEAVY, DONE, ELSEWHERE)))
                .isEqualTo(Map.of(
                        "n1", new NodeAllocation(1250 + 2000, (128 + 1024 + 64) * 1024L * 1024),
                        "n2", new NodeAllocation(0, 1024 * 1024)));
    }

    @Test
    void wideNodeRowsShowRequestsAgainstAllocatable() {
        TypedObject node = Manifests.readYaml("""
                        apiVersion: v1
                        kind: Node
                        metadata: {name: n1, creationTimestamp: "2026-01-02T02:04:05Z"}
                        status:
                          allocatable: {cpu: "4", memory: 8Gi}
                          addresses: [{type: InternalIP, address: 127.0.0.1}]
                          nodeInfo: {kubeletVersion: v0.1.0}
                          conditions: [{type: Ready, status: "True"}]
                        """).get(0);

        String table = new Printer(OutputFormat.WIDE)
                .withNodeAllocations(NodeAllocation.byNode(List.of(WEB)))
                .print(List.of(node), ManifestKind.NODE, false, true, false, NOW);

        assertThat(table).isEqualTo("""
                NAME   STATUS   ROLES    AGE   VERSION   INTERNAL-IP   CPU(REQ)        MEMORY(REQ)
                n1     Ready    <none>   60m   v0.1.0    127.0.0.1     1250m/4 (31%)   1152Mi/8Gi (14%)
                """);
    }

    @Test
    void aNodeWithoutPodsOrAllocatableStillHasCells() {
        assertThat(NodeAllocation.NONE.cpuCell("2")).isEqualTo("0/2 (0%)");
        assertThat(NodeAllocation.NONE.memoryCell(null)).isEqualTo("0/<unknown>");
    }
}
