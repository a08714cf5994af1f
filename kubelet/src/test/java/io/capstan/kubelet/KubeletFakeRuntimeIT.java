package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.kubelet.dns.DnsConfig;
import io.capstan.kubelet.dns.DnsServer;
import io.capstan.kubelet.runtime.RuntimeContainer;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.ContainerStatus;
import io.capstan.proto.api.v1.Node;
import io.capstan.proto.api.v1.NodeCondition;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus.Phase;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.net.InetSocketAddress;
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
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

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
        KubeletConfig config = harness.config("node-a");
        config = new KubeletConfig(
                        config.node(), config.rootDir(), config.timings().withEndpointsDrain(Duration.ofSeconds(30)))
                .withDns(DnsConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)));
        kubelet = harness.kubelet(config, runtime, io.capstan.kubelet.pod.HealthChecks.NONE);
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
    void initContainersRunOneAtATimeToSuccessBeforeTheContainers() {
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: staged, namespace: default}
                spec:
                  nodeName: node-a
                  initContainers: [{name: migrate, image: demo}, {name: warm, image: demo}]
                  containers: [{name: app, image: demo}, {name: sidecar, image: demo}]
                """));
        String uid = created.getMetadata().getUid();
        RuntimeContainer migrate = await().atMost(DEADLINE).until(() -> runningNamed(uid, "migrate"), c -> c != null);
        assertThat(runningNamed(uid, "warm")).isNull();
        runtime.exit(migrate.id(), 1, "");
        // a failed init container is retried (restartPolicy Always); the next one waits for it
        RuntimeContainer retried = await().atMost(DEADLINE).until(() -> runningNamed(uid, "migrate"), c -> c != null);
        assertThat(retried.labels().attempt()).isEqualTo(1);
        assertThat(runningNamed(uid, "warm")).isNull();
        runtime.exit(retried.id(), 0, "");
        RuntimeContainer warm = await().atMost(DEADLINE).until(() -> runningNamed(uid, "warm"), c -> c != null);
        assertThat(runningNamed(uid, "app")).isNull();
        Pod initializing = harness.api.pods().get("default", "staged");
        assertThat(initializing.getStatus().getPhase()).isEqualTo(Phase.PHASE_PENDING);
        runtime.exit(warm.id(), 0, "");
        await().atMost(DEADLINE).until(() -> runningNamed(uid, "app") != null && runningNamed(uid, "sidecar") != null);
        Pod running = await().atMost(DEADLINE)
                .until(() -> harness.api.pods().get("default", "staged"), KubeletFakeRuntimeIT::ready);
        assertThat(running.getStatus().getInitContainerStatusesList())
                .allSatisfy(s ->
                        assertThat(s.getState().getTerminated().getReason()).isEqualTo("Completed"));
        harness.api.pods().delete("default", "staged", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
    }

    private RuntimeContainer runningNamed(String uid, String container) {
        return runtime.list().stream()
                .filter(c -> c.labels().podUid().equals(uid)
                        && c.labels().containerName().equals(container)
                        && c.running())
                .findFirst()
                .orElse(null);
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

    @Test
    void aDeletedPodTurnsNotReadyAndKeepsRunningUntilItLeavesTheEndpoints() {
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: served, namespace: default}
                spec:
                  nodeName: node-a
                  containers:
                  - {name: web, image: demo, ports: [{containerPort: 80}]}
                """));
        String uid = created.getMetadata().getUid();
        Pod ready = await().atMost(DEADLINE)
                .until(() -> harness.api.pods().get("default", "served"), KubeletFakeRuntimeIT::ready);
        int hostPort = ready.getStatus().getHostPorts(0).getHostPort();
        harness.api.endpoints().create(KubeletHarness.endpoints("default", "served-svc", "127.0.0.1", hostPort));

        harness.api.pods().delete("default", "served");
        Pod terminating =
                await().atMost(DEADLINE).until(() -> harness.api.pods().get("default", "served"), p -> !ready(p));
        assertThat(terminating.getMetadata().hasDeletionTimestamp()).isTrue();
        assertThat(terminating.getStatus().getContainerStatuses(0).getReady()).isFalse();
        // still listed: the container keeps serving
        assertThat(running(uid, 0)).isNotNull();
        assertThat(harness.api.pods().get("default", "served").getMetadata().getUid())
                .isEqualTo(uid);

        harness.api.endpoints().delete("default", "served-svc");
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(runtime.list()).noneMatch(c -> c.labels().podUid().equals(uid));
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> harness.api.pods().get("default", "served"))
                    .isInstanceOf(NotFoundException.class);
        });
    }

    @Test
    void envAndVolumesComeFromConfigMapsAndVolumesFollowTheirChanges() throws Exception {
        harness.api
                .configMaps()
                .create(io.capstan.proto.api.v1.ConfigMap.newBuilder()
                        .setMetadata(io.capstan.proto.api.v1.ObjectMeta.newBuilder()
                                .setNamespace("default")
                                .setName("web-config"))
                        .putData("MODE", "blue")
                        .build());
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: configured, namespace: default}
                spec:
                  nodeName: node-a
                  volumes: [{name: cfg, configMap: {name: web-config}}]
                  containers:
                  - name: web
                    image: demo
                    args: ["--mode=$(MODE)"]
                    envFrom: [{configMapRef: {name: web-config}}]
                    volumeMounts: [{name: cfg, mountPath: /etc/web}]
                """));
        String uid = created.getMetadata().getUid();
        RuntimeContainer container = await().atMost(DEADLINE).until(() -> running(uid, 0), c -> c != null);
        var config = runtime.config(container.id());
        assertThat(config.env()).containsEntry("MODE", "blue").containsEntry("HOSTNAME", "configured");
        assertThat(config.args()).containsExactly("--mode=blue");
        Path mounted = config.mounts().get(0).hostPath();
        assertThat(config.mounts().get(0).containerPath()).isEqualTo("/etc/web");
        assertThat(mounted.resolve("MODE")).hasContent("blue");

        var map = harness.api.configMaps().get("default", "web-config");
        harness.api.configMaps().update(map.toBuilder().putData("MODE", "green").build());
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(mounted.resolve("MODE")).hasContent("green"));
        assertThat(running(uid, 0))
                .as("a volume update does not restart the container")
                .isNotNull();
        harness.api
                .pods()
                .delete("default", "configured", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
        await().atMost(DEADLINE).until(() -> !java.nio.file.Files.exists(mounted));
    }

    @Test
    void containersGetTheVariablesOfTheServicesOfTheirNamespaceThatExistWhenTheyStart() throws Exception {
        Service service = harness.api
                .services()
                .create(Service.newBuilder()
                        .setMetadata(io.capstan.proto.api.v1.ObjectMeta.newBuilder()
                                .setNamespace("default")
                                .setName("web-api"))
                        .setSpec(ServiceSpec.newBuilder()
                                .addPorts(
                                        ServicePort.newBuilder().setName("http").setPort(8080)))
                        .build());
        String ip = service.getSpec().getClusterIp();
        // the kubelet's Services cache has it once the kubelet's DNS, which reads that cache, answers
        DnsServer dns = kubelet.dns();
        assertThat(dns).isNotNull();
        SimpleResolver resolver = new SimpleResolver(dns.address());
        Message query = Message.newQuery(
                Record.newRecord(Name.fromString("web-api.default.svc.cluster.local."), Type.A, DClass.IN));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(resolver.send(query).getSection(Section.ANSWER))
                        .extracting(Record::rdataToString)
                        .containsExactly(ip));

        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: service-client, namespace: default}
                spec:
                  nodeName: node-a
                  containers:
                  - name: client
                    image: demo
                    env: [{name: WEB_API_SERVICE_PORT, value: mine}]
                """));
        String uid = created.getMetadata().getUid();
        RuntimeContainer container = await().atMost(DEADLINE).until(() -> running(uid, 0), c -> c != null);

        assertThat(runtime.config(container.id()).env())
                .containsEntry("WEB_API_SERVICE_HOST", ip)
                .containsEntry("WEB_API_SERVICE_PORT", "mine")
                .containsEntry("WEB_API_SERVICE_PORT_HTTP", "8080")
                .containsEntry("WEB_API_PORT", "tcp://" + ip + ":8080")
                .containsEntry("WEB_API_PORT_8080_TCP_ADDR", ip);
        harness.api
                .pods()
                .delete("default", "service-client", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
        harness.api.services().delete("default", "web-api");
    }

    @Test
    void aMissingConfigMapShowsCreateContainerConfigErrorUntilItExists() {
        harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: unconfigured, namespace: default}
                spec:
                  nodeName: node-a
                  containers:
                  - name: web
                    image: demo
                    env: [{name: X, valueFrom: {configMapKeyRef: {name: later, key: x}}}]
                """));
        Pod waiting = await().atMost(DEADLINE)
                .until(
                        () -> harness.api.pods().get("default", "unconfigured"),
                        p -> p.getStatus().getContainerStatusesCount() == 1
                                && p.getStatus()
                                        .getContainerStatuses(0)
                                        .getState()
                                        .getWaiting()
                                        .getReason()
                                        .equals("CreateContainerConfigError"));
        assertThat(waiting.getStatus()
                        .getContainerStatuses(0)
                        .getState()
                        .getWaiting()
                        .getMessage())
                .isEqualTo("configmap \"later\" not found");
        harness.api
                .configMaps()
                .create(io.capstan.proto.api.v1.ConfigMap.newBuilder()
                        .setMetadata(io.capstan.proto.api.v1.ObjectMeta.newBuilder()
                                .setNamespace("default")
                                .setName("later"))
                        .putData("x", "1")
                        .build());
        await().atMost(DEADLINE)
                .until(() -> harness.api.pods().get("default", "unconfigured"), KubeletFakeRuntimeIT::ready);
        harness.api
                .pods()
                .delete("default", "unconfigured", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
    }

    @Test
    void aRestartedKubeletAdoptsItsRunningContainers() throws Exception {
        Pod created = harness.api.pods().create(KubeletHarness.pod("""
                apiVersion: v1
                kind: Pod
                metadata: {name: survivor, namespace: default}
                spec:
                  nodeName: node-a
                  containers: [{name: web, image: demo, ports: [{containerPort: 80}]}]
                """));
        String uid = created.getMetadata().getUid();
        Pod before = await().atMost(DEADLINE)
                .until(() -> harness.api.pods().get("default", "survivor"), KubeletFakeRuntimeIT::ready);
        RuntimeContainer container = running(uid, 0);
        kubelet.close();
        KubeletConfig config = harness.config("node-a");
        kubelet = harness.kubelet(
                new KubeletConfig(
                                config.node(),
                                config.rootDir(),
                                config.timings().withEndpointsDrain(Duration.ofSeconds(30)))
                        .withDns(DnsConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0))),
                runtime,
                io.capstan.kubelet.pod.HealthChecks.NONE);
        // a sync has happened once the new kubelet holds the pod; the same container still runs
        await().atMost(DEADLINE).until(() -> kubelet.podUids().contains(uid));
        await().atMost(DEADLINE).until(() -> harness.api.leases().get("kube-node-lease", "node-a") != null);
        Pod after = harness.api.pods().get("default", "survivor");
        assertThat(running(uid, 0).id()).isEqualTo(container.id());
        assertThat(runtime.list())
                .filteredOn(c -> c.labels().podUid().equals(uid))
                .hasSize(1);
        assertThat(after.getStatus().getHostPortsList())
                .isEqualTo(before.getStatus().getHostPortsList());
        assertThat(after.getStatus().getContainerStatuses(0).getRestartCount()).isZero();
        harness.api
                .pods()
                .delete("default", "survivor", DeleteOptions.defaults().withGracePeriod(Duration.ZERO));
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
