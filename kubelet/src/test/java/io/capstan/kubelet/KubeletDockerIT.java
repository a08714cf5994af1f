package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.DeleteOptions;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.kubelet.runtime.docker.DockerRuntime;
import io.capstan.kubelet.runtime.docker.DockerSettings;
import io.capstan.kubelet.runtime.docker.DockerTestSupport;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Pod;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubelet over the Docker runtime, with the local busybox image (built by docker import, never
 * pulled): a web container ready on its host port with host networking, a crash loop, graceful
 * termination, and an image that cannot be pulled. Skipped, loudly, when no engine answers.
 */
@ExtendWith(DockerTestSupport.EngineAnswers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KubeletDockerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private KubeletHarness harness;
    private DockerRuntime runtime;
    private Kubelet kubelet;
    private final String node = "docker-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        harness = KubeletHarness.start(root);
        runtime = DockerRuntime.connect(node, DockerSettings.defaults());
        kubelet = Kubelet.start(harness.api, harness.config(node), runtime, Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        if (harness == null) {
            return;
        }
        for (Pod pod : harness.api.pods().list(ListOptions.all()).items()) {
            harness.api
                    .pods()
                    .delete(
                            pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(),
                            DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
        }
        await().atMost(DEADLINE).until(() -> runtime.list().isEmpty());
        kubelet.close();
        runtime.close();
        harness.close();
    }

    @Test
    void aWebContainerServesOnItsHostPortAndStopsGracefully() throws Exception {
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default}
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 20
                  containers:
                  - name: web
                    image: %s
                    imagePullPolicy: IfNotPresent
                    command: [sh, -c, "trap 'exit 0' TERM; mkdir -p /www && echo $HOSTNAME > /www/index.html && httpd -f -p 127.0.0.1:$(PORT) -h /www & wait"]
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe: {tcpSocket: {port: http}, periodSeconds: 1}
                """.formatted(node, DockerTestSupport.IMAGE)));
        Pod ready =
                await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "web"), KubeletDockerIT::ready);
        ContainerStatus status = ready.getStatus().getContainerStatuses(0);
        assertThat(status.getContainerId()).startsWith("docker://");
        assertThat(status.getImageId()).startsWith("sha256:");
        int port = ready.getStatus().getHostPorts(0).getHostPort();
        assertThat(get(port)).contains("web");

        long start = System.nanoTime();
        harness.api.pods().delete("default", "web");
        await().atMost(DEADLINE).until(() -> gone("web"));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("TERM ends it well before its 20 s grace")
                .isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aCrashingContainerBacksOffAndAnUnpullableImageWaitsWithErrImagePull() {
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: crasher, namespace: default}
                spec:
                  nodeName: %s
                  containers:
                  - {name: app, image: %s, imagePullPolicy: IfNotPresent, command: [sh, -c, "exit 4"]}
                """.formatted(node, DockerTestSupport.IMAGE)));
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: unpullable, namespace: default}
                spec:
                  nodeName: %s
                  containers:
                  - {name: app, image: capstan/does-not-exist:1, imagePullPolicy: IfNotPresent}
                """.formatted(node)));
        Pod looping = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "crasher"),
                        p -> p.getStatus().getContainerStatusesCount() == 1
                                && p.getStatus().getContainerStatuses(0).getRestartCount() >= 1
                                && p.getStatus()
                                        .getContainerStatuses(0)
                                        .getState()
                                        .getWaiting()
                                        .getReason()
                                        .equals("CrashLoopBackOff"));
        assertThat(looping.getStatus()
                        .getContainerStatuses(0)
                        .getLastState()
                        .getTerminated()
                        .getExitCode())
                .isEqualTo(4);
        Pod waiting = await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "unpullable"), p -> {
            if (p.getStatus().getContainerStatusesCount() != 1) {
                return false;
            }
            String reason = p.getStatus()
                    .getContainerStatuses(0)
                    .getState()
                    .getWaiting()
                    .getReason();
            return reason.equals("ErrImagePull") || reason.equals("ImagePullBackOff");
        });
        assertThat(waiting.getStatus()
                        .getContainerStatuses(0)
                        .getState()
                        .getWaiting()
                        .getMessage())
                .contains("capstan/does-not-exist:1");
        assertThat(waiting.getStatus().getPhase()).isEqualTo(io.capstan.proto.api.v1.PodStatus.Phase.PHASE_PENDING);
    }

    private boolean gone(String name) {
        try {
            harness.api.pods().get("default", name);
            return false;
        } catch (NotFoundException e) {
            return true;
        }
    }

    private static String get(int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE);
    }
}
