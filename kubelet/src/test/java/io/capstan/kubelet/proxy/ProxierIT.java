package io.capstan.kubelet.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ObjectKey;
import io.capstan.proto.api.v1.EndpointAddress;
import io.capstan.proto.api.v1.EndpointPort;
import io.capstan.proto.api.v1.EndpointSubset;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Event;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Protocol;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's listeners and connection handling on loopback sockets, fed Services and Endpoints by
 * hand (no API): rejection without endpoints, half-close, backpressure, idle connections, port
 * changes, headless and UDP ports, bind failures, SO_REUSEPORT.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxierIT {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final AtomicInteger NEXT_IP = new AtomicInteger(1);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final RecordingEventRecorder events = new RecordingEventRecorder();
    private final ObjectKey key = ObjectKey.of("shop", "web");
    private Proxier proxier;
    private String clusterIp;

    @BeforeEach
    void start() {
        proxier = proxier(ProxyConfig.defaults());
        int n = NEXT_IP.getAndIncrement();
        clusterIp = "127.77.250." + n;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void resetsAConnectionAtOnceWhenNoEndpointIsReady() throws Exception {
        int port = freePort();
        proxier.sync(key, service(port(port, 0)), endpoints());
        awaitBound(proxier);

        try (ProxyClient client = ProxyClient.connect(clusterIp(port))) {
            assertThatThrownBy(client::readLine)
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(proxier.counts(key)).isEqualTo(new ConnectionCounts(0, 1, 1)));
    }

    @Test
    void aClientThatEndsItsOutputStillGetsTheWholeAnswer() throws Exception {
        NamedServer a = endpoint("a");
        int port = freePort();
        proxier.sync(key, service(port(port, 0)), endpoints(a));
        awaitBound(proxier);

        try (ProxyClient client = ProxyClient.connect(clusterIp(port))) {
            client.send("one");
            client.send("two");
            client.shutdownOutput();

            List<String> lines = new ArrayList<>();
            for (String line; lines.size() < 10 && (line = client.readLine()) != null; ) {
                lines.add(line);
            }
            assertThat(lines).containsExactly("a", "one", "two", "bye a");
        }
        await().atMost(DEADLINE).until(() -> proxier.counts(key).active() == 0);
    }

    @Test
    void aSlowClientStopsTheProxyReadingFromTheEndpoint() throws Exception {
        long total = 128L << 20;
        AtomicLong written = new AtomicLong();
        ServerSocket firehose = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(firehose);
        Thread writer = new Thread(() -> {
            try (Socket socket = firehose.accept()) {
                socket.setSendBufferSize(64 << 10);
                OutputStream out = socket.getOutputStream();
                byte[] chunk = new byte[64 << 10];
                while (written.get() < total) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the test ended early
            }
        });
        writer.setDaemon(true);
        writer.start();
        int port = freePort();
        proxier.sync(key, service(port(port, 0)), endpointsOnPorts(firehose.getLocalPort()));
        awaitBound(proxier);

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(64 << 10);
            client.connect(clusterIp(port), ProxyClient.TIMEOUT_MILLIS);
            client.setSoTimeout(ProxyClient.TIMEOUT_MILLIS);

            // the endpoint's writes stall while the client reads nothing
            AtomicLong lastSeen = new AtomicLong(-1);
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = written.get();
                return now > 0 && now == lastSeen.getAndSet(now);
            });
            assertThat(written.get()).isLessThan(total / 2);

            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 << 10];
            long read = 0;
            for (int n; read < total && (n = in.read(buffer)) > 0; ) {
                read += n;
            }
            assertThat(read).isEqualTo(total);
        }
    }

    @Test
    void closesIdleConnections() throws Exception {
        proxier.close();
        proxier = proxier(ProxyConfig.defaults().withIdleTimeout(Duration.ofMillis(500)));
        NamedServer a = endpoint("a");
        int port = freePort();
        proxier.sync(key, service(port(port, 0)), endpoints(a));
        awaitBound(proxier);

        try (ProxyClient client = ProxyClient.connect(clusterIp(port))) {
            assertThat(client.readLine()).isEqualTo("a");
            assertThat(client.readLine()).isNull();
        }
        await().atMost(DEADLINE).until(() -> proxier.counts(key).active() == 0);
    }

    @Test
    void followsAChangedPortAndClosesEverythingWithTheService() throws Exception {
        NamedServer a = endpoint("a");
        int first = freePort();
        int second = freePort();
        int nodePort = freePort();
        proxier.sync(key, service(port(first, nodePort)), endpoints(a));
        awaitBound(proxier);
        assertThat(ProxyClient.nameVia(clusterIp(first))).isEqualTo("a");
        assertThat(ProxyClient.nameVia(local(nodePort))).isEqualTo("a");

        proxier.sync(key, service(port(second, nodePort)), endpoints(a));
        awaitBound(proxier);
        assertThat(ProxyClient.nameVia(clusterIp(second))).isEqualTo("a");
        await().atMost(DEADLINE).untilAsserted(() -> assertRefused(clusterIp(first)));

        proxier.sync(key, null, endpoints(a));
        assertThat(proxier.addresses(key)).isEmpty();
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertRefused(clusterIp(second));
            assertRefused(local(nodePort));
        });
    }

    @Test
    void headlessServicesAndUdpPortsGetNoListener() throws Exception {
        int port = freePort();
        Service headless = service(port(port, 0)).toBuilder()
                .setSpec(service(port(port, 0)).getSpec().toBuilder().setClusterIp("None"))
                .build();
        proxier.sync(key, headless, endpoints(endpoint("a")));
        assertThat(proxier.addresses(key)).isEmpty();

        ServicePort dns = port(port, 0).toBuilder()
                .setName("dns")
                .setProtocol(Protocol.PROTOCOL_UDP)
                .build();
        int tcpPort = freePort();
        proxier.sync(key, service(dns, port(tcpPort, 0)), endpoints(endpoint("a")));
        assertThat(proxier.addresses(key)).containsExactly(clusterIp(tcpPort));
    }

    @Test
    void aPortThatCannotBeBoundIsReportedOnceAndTheOthersWork() throws Exception {
        NamedServer a = endpoint("a");
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(taken);
        int nodePort = taken.getLocalPort();
        int port = freePort();
        Service service = service(port(port, nodePort));
        proxier.sync(key, service, endpoints(a));

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(events.recorded())
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.involved().getKind()).isEqualTo("Service");
                            assertThat(e.involved().getNamespace()).isEqualTo("shop");
                            assertThat(e.involved().getName()).isEqualTo("web");
                            assertThat(e.type()).isEqualTo(Event.Type.TYPE_WARNING);
                            assertThat(e.reason()).isEqualTo(Proxier.FAILED_TO_BIND);
                            assertThat(e.message()).contains("127.0.0.1:" + nodePort, "nodePort", "shop/web");
                        }));
        await().atMost(DEADLINE).until(() -> proxier.bound().contains(clusterIp(port)));
        assertThat(ProxyClient.nameVia(clusterIp(port))).isEqualTo("a");

        // the next sync (a resync) tries again: still taken, not reported again; then freed, bound
        proxier.sync(key, service, endpoints(a));
        taken.close();
        await().atMost(DEADLINE).untilAsserted(() -> {
            proxier.sync(key, service, endpoints(a));
            assertThat(proxier.bound()).contains(local(nodePort));
        });
        assertThat(ProxyClient.nameVia(local(nodePort))).isEqualTo("a");
        assertThat(events.recorded()).hasSize(1);
    }

    @Test
    void twoProxiesShareEveryPortAndTheOtherServesWhenOneCloses() throws Exception {
        NamedServer a = endpoint("a");
        int port = freePort();
        Proxier other = proxier(ProxyConfig.defaults());
        proxier.sync(key, service(port(port, 0)), endpoints(a));
        other.sync(key, service(port(port, 0)), endpoints(a));
        awaitBound(proxier);
        awaitBound(other);

        for (int i = 0;
                i < 200
                        && (proxier.counts(key).accepted() == 0
                                || other.counts(key).accepted() == 0);
                i++) {
            assertThat(ProxyClient.nameVia(clusterIp(port))).isEqualTo("a");
        }
        assertThat(proxier.counts(key).accepted()).isPositive();
        assertThat(other.counts(key).accepted()).isPositive();

        proxier.close();
        for (int i = 0; i < 20; i++) {
            assertThat(ProxyClient.nameVia(clusterIp(port))).isEqualTo("a");
        }
        other.close();
        assertRefused(clusterIp(port));
    }

    private Proxier proxier(ProxyConfig config) {
        Proxier created = new Proxier(config, events);
        closeables.add(created);
        return created;
    }

    private NamedServer endpoint(String name) throws IOException {
        NamedServer server = NamedServer.start(name);
        closeables.add(server);
        return server;
    }

    private void awaitBound(Proxier target) {
        await().atMost(DEADLINE).until(() -> target.bound().containsAll(target.addresses(key)));
    }

    private InetSocketAddress clusterIp(int port) {
        return new InetSocketAddress(ServiceEndpoints.ip(clusterIp).orElseThrow(), port);
    }

    private static InetSocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static void assertRefused(InetSocketAddress address) {
        assertThatThrownBy(() -> ProxyClient.connect(address).close()).isInstanceOf(ConnectException.class);
    }

    private Service service(ServicePort... ports) {
        return Service.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setNamespace(key.namespace()).setName(key.name()))
                .setSpec(ServiceSpec.newBuilder().setClusterIp(clusterIp).addAllPorts(List.of(ports)))
                .build();
    }

    private static ServicePort port(int port, int nodePort) {
        return ServicePort.newBuilder()
                .setName("web")
                .setPort(port)
                .setNodePort(nodePort)
                .build();
    }

    private Endpoints endpoints(NamedServer... servers) {
        int[] ports = new int[servers.length];
        for (int i = 0; i < servers.length; i++) {
            ports[i] = servers[i].port();
        }
        return endpointsOnPorts(ports);
    }

    private Endpoints endpointsOnPorts(int... ports) {
        Endpoints.Builder endpoints = Endpoints.newBuilder()
                .setMetadata(
                        ObjectMeta.newBuilder().setNamespace(key.namespace()).setName(key.name()));
        for (int port : ports) {
            endpoints.addSubsets(EndpointSubset.newBuilder()
                    .addAddresses(EndpointAddress.newBuilder().setIp("127.0.0.1"))
                    .addPorts(EndpointPort.newBuilder().setName("web").setPort(port)));
        }
        return endpoints.build();
    }

    /** A port free on 127.0.0.1 now (the kernel's pick, released at once). */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
