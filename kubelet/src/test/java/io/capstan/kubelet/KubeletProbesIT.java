package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.DeleteOptions;
import io.capstan.client.ListOptions;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Pod;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes as the pod worker uses them, over the fake runtime whose exec answers as the test says:
 * readiness gates the Ready condition, a failing liveness probe restarts the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubeletProbesIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private KubeletHarness harness;
    private FakeRuntime runtime;
    private Kubelet kubelet;
    /** Containers whose exec probes fail. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        harness = KubeletHarness.start(root);
        runtime = new FakeRuntime("probed", Clock.systemUTC());
        runtime.setExecHandler((id, command, output) -> failing.contains(id) ? 1 : 0);
        kubelet = Kubelet.start(harness.api, harness.config("probed"), runtime, Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        kubelet.close();
        harness.close();
    }

    @Test
    void readinessGatesReadyAndLivenessFailureRestartsTheContainer() {
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: probed, namespace: default}
                spec:
                  nodeName: probed
                  containers:
                  - name: web
                    image: demo
                    readinessProbe: {exec: {command: [check, ready]}, periodSeconds: 1, failureThreshold: 1}
                    livenessProbe: {exec: {command: [check, live]}, periodSeconds: 1, failureThreshold: 2}
                """));
        String uid = created.getMetadata().getUid();
        await().atMost(DEADLINE).until(() -> ready(harness.api.pods().get("default", "probed")));
        RuntimeContainer first = running(uid);

        // readiness (and liveness) fail: not ready first, then the container is restarted
        failing.add(first.id());
        await().atMost(DEADLINE).until(() -> !ready(harness.api.pods().get("default", "probed")));
        RuntimeContainer second = await().atMost(DEADLINE)
                .until(() -> running(uid), c -> c != null && c.labels().attempt() == 1);
        assertThat(second.id()).isNotEqualTo(first.id());
        Pod restarted = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "probed"),
                        p -> ready(p) && p.getStatus().getContainerStatuses(0).getRestartCount() == 1);
        assertThat(restarted
                        .getStatus()
                        .getContainerStatuses(0)
                        .getLastState()
                        .getTerminated()
                        .getExitCode())
                .isNotZero();
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(harness.api
                                .events()
                                .list(ListOptions.inNamespace("default"))
                                .items())
                        .filteredOn(e -> e.getInvolvedObject().getUid().equals(uid))
                        .extracting(Event::getReason)
                        .contains("Unhealthy", "Killing"));
        harness.api.pods().delete("default", "probed", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
    }

    private RuntimeContainer running(String uid) {
        return runtime.list().stream()
                .filter(c -> c.labels().podUid().equals(uid) && c.running())
                .findFirst()
                .orElse(null);
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE);
    }
}
