package io.capstan.kubelet.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ApiException;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.ObjectKey;
import io.capstan.client.TestControlPlane;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service proxy against an in-process control plane. The API server allocates each Service's
 * ClusterIP and node port; the test writes the Endpoints itself (no endpoints controller), pointing
 * at {@link NamedServer}s on 127.0.0.1 that answer with their name. One proxy serves the whole
 * class; each test works in a namespace of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServiceProxyIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final ProxyConfig CONFIG = ProxyConfig.defaults().withResyncPeriod(Duration.ofSeconds(1));

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestControlPlane cluster;
    private ObjectClient api;
    private ApiEventRecorder events;
    private ServiceProxy proxy;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        api = cluster.client();
        events = new ApiEventRecorder(api.events(), "kubelet", "node-1", InstantSource.system());
        proxy = ServiceProxy.start(api, CONFIG, events);
        assertThat(proxy.awaitSynced(DEADLINE)).isTrue();
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = "proxy-" + Integer.toHexString(test.getDisplayName().hashCode());
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
    }

    @AfterEach
    void closeTestResources() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        closeables.clear();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {proxy, events, cluster}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void spreadsConnectionsRoundRobinOverEveryEndpointOnClusterIpAndNodePort() throws Exception {
        List<NamedServer> servers = servers("a", "b", "c");
        Service service = createService("web", 0);
        writeEndpoints("web", servers);
        awaitServing(clusterIp(service));

        List<String> viaClusterIp = names(clusterIp(service), 9);
        List<String> viaNodePort = names(nodePort(service), 9);

        assertThat(countByName(viaClusterIp)).isEqualTo(Map.of("a", 3L, "b", 3L, "c", 3L));
        assertThat(countByName(viaNodePort)).isEqualTo(Map.of("a", 3L, "b", 3L, "c", 3L));
        assertThat(proxy.connections(ObjectKey.of(ns, "web")).rejected()).isZero();
    }

    @Test
    void anEndpointRemovedGetsNoNewConnectionsWhileItsOpenOneCompletes() throws Exception {
        List<NamedServer> servers = servers("a", "b", "c");
        Service service = createService("web", 0);
        writeEndpoints("web", servers);
        awaitServing(clusterIp(service));

        try (ProxyClient open = ProxyClient.connect(clusterIp(service))) {
            String removed = open.readLine();
            List<NamedServer> remaining =
                    servers.stream().filter(s -> !s.name().equals(removed)).toList();
            writeEndpoints("web", remaining);

            await().atMost(DEADLINE)
                    .untilAsserted(
                            () -> assertThat(names(clusterIp(service), 6)).doesNotContain(removed));
            assertThat(names(clusterIp(service), 6))
                    .containsOnly(remaining.get(0).name(), remaining.get(1).name());

            open.send("still there?");
            assertThat(open.readLine()).isEqualTo("still there?");
            open.shutdownOutput();
            assertThat(open.readLine()).isEqualTo("bye " + removed);
            assertThat(open.readLine()).isNull();
        }
    }

    @Test
    void aRefusingEndpointStillListedIsSkippedByRetry() throws Exception {
        List<NamedServer> servers = servers("a", "b", "c");
        Service service = createService("web", 0);
        writeEndpoints("web", servers);
        awaitServing(clusterIp(service));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(names(clusterIp(service), 3)).containsOnly("a", "b", "c"));

        servers.get(2).close();

        List<String> names = names(clusterIp(service), 12);
        assertThat(names).containsOnly("a", "b").contains("a", "b");
        assertThat(proxy.connections(ObjectKey.of(ns, "web")).rejected()).isZero();
    }

    @Test
    void aServiceWithoutReadyEndpointsResetsConnectionsUntilEndpointsAppear() throws Exception {
        Service service = createService("web", 0);
        await().atMost(DEADLINE).until(() -> proxy.listening().contains(clusterIp(service)));

        // the reset may reach the client while it still connects, or on its first read
        assertThatThrownBy(() -> {
                    try (ProxyClient client = ProxyClient.connect(clusterIp(service))) {
                        client.readLine();
                    }
                })
                .hasMessageContaining("reset");

        writeEndpoints("web", servers("a"));
        awaitServing(clusterIp(service));
        assertThat(ProxyClient.nameVia(clusterIp(service))).isEqualTo("a");
    }

    @Test
    void twoProxiesServeTheSamePortsAndTrafficGoesOnWhenOneCloses() throws Exception {
        List<NamedServer> servers = servers("a", "b", "c");
        Service service = createService("web", 0);
        writeEndpoints("web", servers);
        awaitServing(clusterIp(service));
        ObjectKey key = ObjectKey.of(ns, "web");

        ServiceProxy second = ServiceProxy.start(api, CONFIG, events);
        closeables.add(second);
        await().atMost(DEADLINE)
                .until(() -> second.listening().containsAll(Set.of(clusterIp(service), nodePort(service))));
        for (int i = 0;
                i < 200
                        && (proxy.connections(key).accepted() < 3
                                || second.connections(key).accepted() < 3);
                i++) {
            assertThat(ProxyClient.nameVia(i % 2 == 0 ? clusterIp(service) : nodePort(service)))
                    .isIn("a", "b", "c");
        }
        assertThat(second.connections(key).accepted()).isGreaterThanOrEqualTo(3);
        long firstAccepted = proxy.connections(key).accepted();
        assertThat(firstAccepted).isGreaterThanOrEqualTo(3);

        second.close();

        assertThat(names(clusterIp(service), 6)).containsOnly("a", "b", "c");
        assertThat(names(nodePort(service), 6)).containsOnly("a", "b", "c");
        assertThat(proxy.connections(key).accepted()).isEqualTo(firstAccepted + 12);
    }

    @Test
    void aProxyOnInformersItDoesNotOwnServesTheirObjectsAndLeavesThemRunningWhenClosed() throws Exception {
        Service service = createService("web", 0);
        writeEndpoints("web", servers("a"));
        awaitServing(clusterIp(service));
        Informer<Service> services = Informer.create(api.services(), ListOptions.all(), CONFIG.resyncPeriod());
        closeables.add(services);
        Informer<Endpoints> endpoints = Informer.create(api.endpoints(), ListOptions.all(), Duration.ZERO);
        closeables.add(endpoints);
        services.start();
        endpoints.start();
        assertThat(services.awaitSynced(DEADLINE)).isTrue();
        assertThat(endpoints.awaitSynced(DEADLINE)).isTrue();

        // added to informers that have listed already: its handlers get the cached objects as adds
        ServiceProxy shared = ServiceProxy.start(services, endpoints, CONFIG, events);
        closeables.add(shared);
        assertThat(shared.awaitSynced(DEADLINE)).isTrue();
        await().atMost(DEADLINE)
                .until(() -> shared.listening().containsAll(Set.of(clusterIp(service), nodePort(service))));

        shared.close();

        assertThat(shared.listening()).isEmpty();
        createService("after", 0);
        await().atMost(DEADLINE).until(() -> services.indexer().get(ns, "after").isPresent());
        assertThat(shared.listening()).isEmpty();
    }

    @Test
    void aNodePortTakenByAnotherSocketBecomesAWarningEventAndTheClusterIpStillServes() throws Exception {
        List<NamedServer> servers = servers("a");
        ServerSocket taken = null;
        Service service = null;
        for (int attempt = 0; attempt < 50 && service == null; attempt++) {
            int port = 30000 + ThreadLocalRandom.current().nextInt(2768);
            try {
                taken = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (IOException inUse) {
                continue;
            }
            try {
                service = createService("web", port);
            } catch (ApiException allocated) {
                taken.close();
                taken = null;
            }
        }
        assertThat(service)
                .as("a service on a node port held by a plain socket")
                .isNotNull();
        closeables.add(taken);
        writeEndpoints("web", servers);
        Service created = service;
        int nodePort = created.getSpec().getPorts(0).getNodePort();

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(
                                api.events().list(ListOptions.inNamespace(ns)).items())
                        .anySatisfy(event -> {
                            assertThat(event.getType()).isEqualTo(Event.Type.TYPE_WARNING);
                            assertThat(event.getReason()).isEqualTo("FailedToBindPort");
                            assertThat(event.getInvolvedObject().getKind()).isEqualTo("Service");
                            assertThat(event.getInvolvedObject().getName()).isEqualTo("web");
                            assertThat(event.getMessage()).contains("127.0.0.1:" + nodePort);
                        }));
        awaitServing(clusterIp(created));
        assertThat(ProxyClient.nameVia(clusterIp(created))).isEqualTo("a");

        // once the port is free, a resync binds it
        taken.close();
        await().atMost(DEADLINE).until(() -> proxy.listening().contains(nodePort(created)));
        assertThat(ProxyClient.nameVia(nodePort(created))).isEqualTo("a");
    }

    @Test
    void deletingTheServiceClosesItsListeners() throws Exception {
        Service service = createService("web", 0);
        writeEndpoints("web", servers("a"));
        awaitServing(clusterIp(service));
        awaitServing(nodePort(service));

        api.services().delete(ns, "web");

        await().atMost(DEADLINE).untilAsserted(() -> {
            assertRefused(clusterIp(service));
            assertRefused(nodePort(service));
        });
        assertThat(proxy.listening()).doesNotContain(clusterIp(service), nodePort(service));
    }

    private List<NamedServer> servers(String... names) throws IOException {
        List<NamedServer> servers = new ArrayList<>();
        for (String name : names) {
            NamedServer server = NamedServer.start(name);
            closeables.add(server);
            servers.add(server);
        }
        return servers;
    }

    /** A NodePort service with one port, "web", on a port free on the host; nodePort 0 allocates one. */
    private Service createService(String name, int nodePort) throws IOException {
        return api.services()
                .create(Service.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name))
                        .setSpec(ServiceSpec.newBuilder()
                                .setType(ServiceSpec.Type.TYPE_NODE_PORT)
                                .addPorts(ServicePort.newBuilder()
                                        .setName("web")
                                        .setPort(ProxierIT.freePort())
                                        .setNodePort(nodePort)))
                        .build());
    }

    /** Writes the service's Endpoints: one subset per server, 127.0.0.1 on its port, as "web". */
    private void writeEndpoints(String name, List<NamedServer> servers) {
        Endpoints.Builder endpoints = Endpoints.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setNamespace(ns).setName(name));
        for (NamedServer server : servers) {
            endpoints.addSubsets(EndpointSubset.newBuilder()
                    .addAddresses(EndpointAddress.newBuilder().setIp("127.0.0.1"))
                    .addPorts(EndpointPort.newBuilder().setName("web").setPort(server.port())));
        }
        api.endpoints().apply(endpoints.build());
    }

    private void awaitServing(InetSocketAddress address) {
        await().atMost(DEADLINE)
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(ProxyClient.nameVia(address)).isNotEmpty());
    }

    private static List<String> names(InetSocketAddress address, int connections) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            names.add(ProxyClient.nameVia(address));
        }
        return names;
    }

    private static Map<String, Long> countByName(List<String> names) {
        return names.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static InetSocketAddress clusterIp(Service service) {
        return new InetSocketAddress(
                ServiceEndpoints.ip(service.getSpec().getClusterIp()).orElseThrow(),
                service.getSpec().getPorts(0).getPort());
    }

    private static InetSocketAddress nodePort(Service service) {
        return new InetSocketAddress(
                InetAddress.getLoopbackAddress(), service.getSpec().getPorts(0).getNodePort());
    }

    private static void assertRefused(InetSocketAddress address) {
        assertThatThrownBy(() -> ProxyClient.connect(address).close()).isInstanceOf(ConnectException.class);
    }
}
