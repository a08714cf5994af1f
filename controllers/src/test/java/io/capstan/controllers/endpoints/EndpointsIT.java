package io.capstan.controllers.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.api.manifest.Manifests;
import io.capstan.client.Kind;
import io.capstan.client.ListOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.controller.Controller;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Condition;
import io.capstan.proto.api.v1.ConditionStatus;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.HostPortBinding;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.PodStatus;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoints controller against an in-process control plane. The test plays the kubelet: it
 * binds pods to nodes and writes their status (Running, hostIP, host ports, Ready), and the
 * Endpoints follow. Each test works in a namespace of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EndpointsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private TestControlPlane cluster;
    private ObjectClient api;
    private Informer<Service> services;
    private Informer<Pod> pods;
    private Informer<Endpoints> endpoints;
    private Controller controller;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(3, root);
        api = cluster.client();
        services = Informer.create(api.services(), ListOptions.all(), Duration.ZERO);
        pods = Informer.create(api.pods(), ListOptions.all(), Duration.ZERO);
        endpoints = Informer.create(api.endpoints(), ListOptions.all(), Duration.ZERO);
        controller = EndpointsController.controller(services, pods, endpoints, api.endpoints());
        services.start();
        pods.start();
        endpoints.start();
        controller.start();
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = "ep-" + Integer.toHexString(test.getDisplayName().hashCode());
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
    }

    @AfterAll
    void stop() {
        if (controller != null) {
            controller.close();
        }
        for (Informer<?> informer : new Informer<?>[] {services, pods, endpoints}) {
            if (informer != null) {
                informer.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void endpointsFollowReadinessAndDeletionOfTheSelectedPods() {
        api.services().create(service("web", true));
        api.pods().create(pod("web-a", "web"));
        api.pods().create(pod("web-b", "web"));
        api.pods().create(pod("db-a", "db"));

        run("web-a", "127.0.0.21", 31001, true);
        run("web-b", "127.0.0.22", 31002, false);
        run("db-a", "127.0.0.21", 31003, true);

        awaitSubsets(
                "web",
                List.of(
                        subset(List.of(address("web-a", "127.0.0.21")), List.of(), 31001),
                        subset(List.of(), List.of(address("web-b", "127.0.0.22")), 31002)));

        run("web-b", "127.0.0.22", 31002, true);
        run("web-a", "127.0.0.21", 31001, false);
        awaitSubsets(
                "web",
                List.of(
                        subset(List.of(), List.of(address("web-a", "127.0.0.21")), 31001),
                        subset(List.of(address("web-b", "127.0.0.22")), List.of(), 31002)));

        // bound to a node, the pod stays terminating until its kubelet confirms; it leaves at once
        Pod deleting = api.pods().delete(ns, "web-b").object();
        assertThat(deleting.getMetadata().hasDeletionTimestamp()).isTrue();
        awaitSubsets("web", List.of(subset(List.of(), List.of(address("web-a", "127.0.0.21")), 31001)));
    }

    @Test
    void endpointsAreCreatedForAServiceWithASelectorOnlyAndGoWithTheService() {
        api.services().create(service("manual", false));
        api.services().create(service("web", true));
        api.pods().create(pod("web-a", "web"));
        run("web-a", "127.0.0.21", 31001, true);

        awaitSubsets("web", List.of(subset(List.of(address("web-a", "127.0.0.21")), List.of(), 31001)));
        assertThat(endpoints("manual")).isEmpty();

        api.services().delete(ns, "web");
        await().atMost(DEADLINE).until(() -> endpoints("web").isEmpty());
    }

    @Test
    void endpointsDeletedOrEditedByHandArePutRight() {
        api.services().create(service("web", true));
        api.pods().create(pod("web-a", "web"));
        run("web-a", "127.0.0.21", 31001, true);
        List<EndpointSubset> expected = List.of(subset(List.of(address("web-a", "127.0.0.21")), List.of(), 31001));
        awaitSubsets("web", expected);

        Endpoints current = endpoints("web").orElseThrow();
        api.endpoints().update(current.toBuilder().clearSubsets().build());
        awaitSubsets("web", expected);

        api.endpoints().delete(ns, "web");
        awaitSubsets("web", expected);
    }

    private void awaitSubsets(String service, List<EndpointSubset> expected) {
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(endpoints(service).map(Endpoints::getSubsetsList))
                        .contains(expected));
    }

    private Optional<Endpoints> endpoints(String name) {
        try {
            return Optional.of(api.endpoints().get(ns, name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** What a kubelet reports for a pod it runs on the node at {@code hostIp}. */
    private void run(String name, String hostIp, int hostPort, boolean ready) {
        Pod pod = api.pods().get(ns, name);
        api.pods()
                .updateStatus(pod.toBuilder()
                        .setStatus(PodStatus.newBuilder()
                                .setPhase(PodStatus.Phase.PHASE_RUNNING)
                                .setHostIp(hostIp)
                                .setPodIp(hostIp)
                                .addConditions(Condition.newBuilder()
                                        .setType("Ready")
                                        .setStatus(
                                                ready
                                                        ? ConditionStatus.CONDITION_STATUS_TRUE
                                                        : ConditionStatus.CONDITION_STATUS_FALSE))
                                .addHostPorts(HostPortBinding.newBuilder()
                                        .setContainerName("main")
                                        .setPortName("http")
                                        .setContainerPort(8080)
                                        .setProtocol(Protocol.PROTOCOL_TCP)
                                        .setHostIp(hostIp)
                                        .setHostPort(hostPort)))
                        .build());
    }

    private Service service(String name, boolean withSelector) {
        return Kind.SERVICE.unwrap(
                Manifests.readYaml("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: %s, namespace: %s}
                        spec:
                          %s
                          ports: [{name: web, port: 80, targetPort: http}]
                        """.formatted(name, ns, withSelector ? "selector: {app: " + name + "}" : ""))
                        .get(0));
    }

    private Pod pod(String name, String app) {
        return Kind.POD.unwrap(Manifests.readYaml("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: %s, namespace: %s, labels: {app: %s}}
                        spec:
                          nodeName: node-1
                          containers: [{name: main, image: busybox, ports: [{name: http, containerPort: 8080}]}]
                        """.formatted(name, ns, app)).get(0));
    }

    private EndpointAddress address(String pod, String ip) {
        Pod stored = api.pods().get(ns, pod);
        return EndpointAddress.newBuilder()
                .setIp(ip)
                .setNodeName("node-1")
                .setTargetRef(io.capstan.proto.api.v1.ObjectReference.newBuilder()
                        .setKind("Pod")
                        .setNamespace(ns)
                        .setName(pod)
                        .setUid(stored.getMetadata().getUid()))
                .build();
    }

    private static EndpointSubset subset(List<EndpointAddress> ready, List<EndpointAddress> notReady, int port) {
        return EndpointSubset.newBuilder()
                .addAllAddresses(ready)
                .addAllNotReadyAddresses(notReady)
                .addPorts(EndpointPort.newBuilder().setName("web").setPort(port).setProtocol(Protocol.PROTOCOL_TCP))
                .build();
    }
}
