package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus.Phase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's node registration and pod lifecycle over the fake runtime, against an in-process
 * control plane: what the pod worker decides, without real processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubeletFakeRuntimeIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private KubeletHarness harness;
    private FakeRuntime runtime;
    private Kubelet kubelet;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        harness = KubeletHarness.start(root);
        runtime = new FakeRuntime("node-a", Clock.systemUTC());
        kubelet = harness.kubelet("node-a", runtime);
    }

    @AfterAll
    void stop() throws Exception {
        kubelet.close();
        harness.close();
    }

    @Test
    void registersItsNodeAndRenewsItsLease() {
        Node node = harness.api.nodes().get("", "node-a");
        assertThat(node.getMetadata().getLabelsMap())
                .containsEntry("kubernetes.io/hostname", "node-a")
                .containsEntry("capstan.io/test", "true");
        assertThat(node.getStatus().getCapacityMap()).containsKeys("cpu", "memory", "pods");
        assertThat(node.getStatus().getConditionsList())
                .extracting(NodeCondition::getType)
                .contains("Ready", "MemoryPressure", "DiskPressure");
        assertThat(node.getStatus().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("fake://1");
        var first =
                harness.api.leases().get("kube-node-lease", "node-a").getSpec().getRenewTime();
        await().atMost(DEADLINE)
                .until(() -> harness.api
                                .leases()
                                .get("kube-node-lease", "node-a")
                                .getSpec()
                                .getRenewTime()
                                .getSeconds()
                        > first.getSeconds());
    }

    @Test
    void runsABoundPodAndReportsItRunningAndReady() {
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default}
                spec:
                  nodeName: node-a
                  containers:
                  - name: web
                    image: demo
                    ports: [{name: http, containerPort: 8080}]
                """));
        Pod running = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "web"),
                        p -> ready(p) && p.getStatus().getPhase() == Phase.PHASE_RUNNING);
        assertThat(running.getStatus().getHostIp()).isEqualTo("127.0.0.1");
        assertThat(running.getStatus().getHostPortsList()).singleElement().satisfies(b -> {
            assertThat(b.getContainerPort()).isEqualTo(8080);
            assertThat(b.getPortName()).isEqualTo("http");
            assertThat(b.getHostPort()).isPositive();
        });
        ContainerStatus status = running.getStatus().getContainerStatuses(0);
        assertThat(status.getState().hasRunning()).isTrue();
        assertThat(status.getContainerId()).startsWith("fake://");
        assertThat(status.getRestartCount()).isZero();
        assertThat(runtime.list())
                .filteredOn(
                        c -> c.labels().podUid().equals(created.getMetadata().getUid()))
                .singleElement()
                .extracting(c -> c.labels().attempt())
                .isEqualTo(0);

        harness.api.pods().delete("default", "web");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(runtime.list())
                    .noneMatch(c ->
                            c.labels().podUid().equals(created.getMetadata().getUid()));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> harness.api.pods().get("default", "web"))
                    .isInstanceOf(NotFoundException.class);
        });
    }

    @Test
    void restartsACrashedContainerWithBackOffAndReportsCrashLoopBackOff() {
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: crash, namespace: default}
                spec:
                  nodeName: node-a
                  containers:
                  - {name: app, image: demo}
                """));
        String uid = created.getMetadata().getUid();
        for (int crash = 0; crash < 3; crash++) {
            int attempt = crash;
            RuntimeContainer current = await().atMost(DEADLINE).until(() -> running(uid, attempt), c -> c != null);
            runtime.exit(current.id(), 2, "");
        }
        // after the third exit: back-off (1 s, then 2 s) shows as CrashLoopBackOff with the last exit code
        Pod backingOff = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "crash"),
                        p -> p.getStatus().getContainerStatusesCount() == 1
                                && p.getStatus()
                                        .getContainerStatuses(0)
                                        .getState()
                                        .getWaiting()
                                        .getReason()
                                        .equals("CrashLoopBackOff"));
        ContainerStatus status = backingOff.getStatus().getContainerStatuses(0);
        assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(2);
        assertThat(status.getRestartCount()).isEqualTo(2);
        RuntimeContainer restarted = await().atMost(DEADLINE).until(() -> running(uid, 3), c -> c != null);
        assertThat(restarted.labels().attempt()).isEqualTo(3);
        await().atMost(DEADLINE)
                .until(
                        () -> harness.api
                                .pods()
                                .get("default", "crash")
                                .getStatus()
                                .getContainerStatuses(0)
                                .getRestartCount(),
                        n -> n == 3);
        // only the latest run and the one before it are kept
        assertThat(runtime.list())
                .filteredOn(c -> c.labels().podUid().equals(uid))
                .hasSizeLessThanOrEqualTo(2);
        harness.api.pods().delete("default", "crash", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
        await().atMost(DEADLINE)
                .until(() -> runtime.list().stream()
                        .noneMatch(c -> c.labels().podUid().equals(uid)));
    }

    @Test
    void removesContainersOfPodsItNoLongerHas() throws Exception {
        var labels =
                new io.capstan.kubelet.runtime.ContainerLabels("node-a", "no-such-uid", "default", "ghost", "c", 0);
        String id = runtime.create(new io.capstan.kubelet.runtime.ContainerConfig(
                labels,
                "demo",
                java.util.List.of(),
                java.util.List.of(),
                "",
                java.util.Map.of(),
                java.util.List.of(),
                java.util.List.of(),
                0,
                0,
                Path.of("/tmp")));
        runtime.start(id);
        await().atMost(DEADLINE).until(() -> runtime.list().stream().noneMatch(c -> c.id().equals(id)));
    }

    private RuntimeContainer running(String uid, int attempt) {
        return runtime.list().stream()
                .filter(c -> c.labels().podUid().equals(uid) && c.labels().attempt() == attempt && c.running())
                .findFirst()
                .orElse(null);
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE);
    }

    @SuppressWarnings("unused")
    private static Condition unused() {
        return Condition.getDefaultInstance();
    }
}
