package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.kubelet.runtime.process.ProcessRuntime;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus.Phase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * A kubelet over the host-process runtime, with real processes: busybox httpd serves as the web
 * container (CI installs busybox-static), sh scripts play crashing and slow-to-stop containers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KubeletProcessIT {
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final String WEB = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s, namespace: default}
            spec:
              nodeName: proc-node
              containers:
              - name: web
                image: busybox
                command: [sh, -c, "mkdir -p www && echo $HOSTNAME > www/index.html && touch www/healthz && exec busybox httpd -f -p 127.0.0.1:$(PORT) -h www"]
                ports: [{name: http, containerPort: 8080}]
                readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
                livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1, failureThreshold: 2}
            """;

    private KubeletHarness harness;
    private ProcessRuntime runtime;
    private Kubelet kubelet;
    private Path podsDir;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        harness = KubeletHarness.start(root);
        KubeletConfig config = harness.config("proc-node").withServer(new java.net.InetSocketAddress("127.0.0.1", 0));
        podsDir = config.podsDir();
        runtime = new ProcessRuntime("proc-node", config.rootDir().resolve("runtime"), Clock.systemUTC());
        kubelet = Kubelet.start(harness.api, config, runtime, Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        for (Pod pod :
                harness.api.pods().list(io.capstan.client.ListOptions.all()).items()) {
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
    void aWebServerBecomesReadyServesOnItsHostPortAndIsRestartedWhenItsLivenessFails() throws Exception {
        harness.api.pods().create(KubeletHarness.pod(WEB.formatted("web")));
        Pod ready =
                await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "web"), KubeletProcessIT::ready);
        int port = ready.getStatus().getHostPorts(0).getHostPort();
        assertThat(get(port, "/")).isEqualTo("web\n");

        Files.delete(podRoot(ready).resolve("www/healthz"));
        Pod restarted = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "web"),
                        p -> ready(p) && p.getStatus().getContainerStatuses(0).getRestartCount() == 1);
        assertThat(restarted.getStatus().getHostPorts(0).getHostPort())
                .as("the pod keeps its host port")
                .isEqualTo(port);
        assertThat(get(port, "/")).isEqualTo("web\n");
    }

    @Test
    void aCrashingContainerBacksOffWithItsExitCodeInLastState() {
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: crasher, namespace: default}
                spec:
                  nodeName: proc-node
                  containers:
                  - {name: app, image: busybox, command: [sh, -c, "echo boom; exit 3"]}
                """));
        Pod looping = await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "crasher"), p -> {
            if (p.getStatus().getContainerStatusesCount() == 0) {
                return false;
            }
            ContainerStatus s = p.getStatus().getContainerStatuses(0);
            return s.getRestartCount() >= 2
                    && s.getState().getWaiting().getReason().equals("CrashLoopBackOff");
        });
        ContainerStatus status = looping.getStatus().getContainerStatuses(0);
        assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(status.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(looping.getStatus().getPhase()).isEqualTo(Phase.PHASE_RUNNING);
    }

    @Test
    void gracefulTerminationSendsTermAndKillsAfterTheGracePeriod() {
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: polite, namespace: default}
                spec:
                  nodeName: proc-node
                  terminationGracePeriodSeconds: 20
                  containers:
                  - {name: app, image: busybox, command: [sh, -c, "trap 'echo bye > stopped; exit 0' TERM; while true; do sleep 0.2; done"]}
                """));
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stubborn, namespace: default}
                spec:
                  nodeName: proc-node
                  terminationGracePeriodSeconds: 3
                  containers:
                  - {name: app, image: busybox, command: [sh, -c, "trap '' TERM; while true; do sleep 0.2; done"]}
                """));
        Pod polite = await().atMost(DEADLINE)
                .until(() -> harness.api.pods().get("default", "polite"), KubeletProcessIT::ready);
        await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "stubborn"), KubeletProcessIT::ready);
        Path politeRoot = podRoot(polite);

        long start = System.nanoTime();
        harness.api.pods().delete("default", "polite");
        await().atMost(DEADLINE).until(() -> gone("polite"));
        Duration politeTook = Duration.ofNanos(System.nanoTime() - start);
        assertThat(politeTook)
                .as("a process that exits on TERM is not held for its grace")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(politeRoot).as("the pod's directory is removed with it").doesNotExist();

        start = System.nanoTime();
        harness.api.pods().delete("default", "stubborn");
        await().atMost(DEADLINE).until(() -> gone("stubborn"));
        Duration stubbornTook = Duration.ofNanos(System.nanoTime() - start);
        assertThat(stubbornTook).as("killed only after its 3 s grace").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void environmentAndFilesComeFromAConfigMap() throws Exception {
        harness.api
                .configMaps()
                .create(ConfigMap.newBuilder()
                        .setMetadata(
                                ObjectMeta.newBuilder().setNamespace("default").setName("greeter"))
                        .putData("GREETING", "hello")
                        .putData("motd.txt", "be kind")
                        .build());
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: reader, namespace: default}
                spec:
                  nodeName: proc-node
                  restartPolicy: Never
                  volumes: [{name: cfg, configMap: {name: greeter}}]
                  containers:
                  - name: app
                    image: busybox
                    command: [sh, -c, "echo \\"$GREETING $(cat etc/greeter/motd.txt)\\" > out"]
                    env: [{name: GREETING, valueFrom: {configMapKeyRef: {name: greeter, key: GREETING}}}]
                    volumeMounts: [{name: cfg, mountPath: /etc/greeter}]
                """));
        Pod done = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "reader"),
                        p -> p.getStatus().getPhase() == Phase.PHASE_SUCCEEDED);
        assertThat(podRoot(done).resolve("out")).hasContent("hello be kind");
        assertThat(done.getStatus()
                        .getContainerStatuses(0)
                        .getState()
                        .getTerminated()
                        .getReason())
                .isEqualTo("Completed");
    }

    @Test
    void logsAndExecReachTheContainerThroughTheApiServer() throws Exception {
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: talker, namespace: default}
                spec:
                  nodeName: proc-node
                  containers:
                  - {name: app, image: busybox, command: [sh, -c, "echo one; echo two >&2; echo three; exec sleep 300"]}
                """));
        await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "talker"), KubeletProcessIT::ready);
        assertThat(harness.api.nodes().get("", "proc-node").getStatus().getKubeletEndpoint())
                .isEqualTo(kubelet.serverEndpoint());
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(output(listener -> harness.api.logs(
                                "default", "talker", io.capstan.client.LogOptions.defaults(), listener)))
                        .contains("one\n", "two\n", "three\n"));
        assertThat(output(listener -> harness.api.logs(
                        "default",
                        "talker",
                        io.capstan.client.LogOptions.defaults().withTailLines(1),
                        listener)))
                .hasLineCount(1);

        StringBuilder out = new StringBuilder();
        var exec = harness.api.exec(
                "default",
                "talker",
                "app",
                java.util.List.of("sh", "-c", "echo $HOSTNAME; exit 7"),
                (stream, data) -> out.append(new String(data, java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(exec.await(Duration.ofSeconds(30))).hasValue(7);
        assertThat(out.toString()).isEqualTo("talker\n");
        harness.api.pods().delete("default", "talker", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
    }

    private static String output(
            java.util.function.Function<io.capstan.client.OutputListener, io.capstan.client.PodStream> call)
            throws Exception {
        StringBuilder text = new StringBuilder();
        io.capstan.client.PodStream stream =
                call.apply((s, data) -> text.append(new String(data, java.nio.charset.StandardCharsets.UTF_8)));
        stream.await(Duration.ofSeconds(30));
        return text.toString();
    }

    private boolean gone(String name) {
        try {
            harness.api.pods().get("default", name);
            return false;
        } catch (NotFoundException e) {
            return true;
        }
    }

    private Path podRoot(Pod pod) {
        return podsDir.resolve(pod.getMetadata().getUid()).resolve("root");
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus().getConditionsList().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE);
    }
}
