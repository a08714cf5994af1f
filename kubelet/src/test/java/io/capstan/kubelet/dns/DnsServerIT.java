package io.capstan.kubelet.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.TestControlPlane;
import io.capstan.client.informer.Informer;
import io.capstan.proto.api.v1.Endpoints;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServicePort;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The DNS server on 127.0.0.1 (an ephemeral port) answering from informers of an in-process control
 * plane, asked with dnsjava's resolver over UDP and TCP and with raw sockets. The test writes
 * Services (the API server allocates their ClusterIPs) and Endpoints itself. One server serves the
 * class; each test works in a namespace of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DnsServerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private TestControlPlane cluster;
    private ObjectClient api;
    private Informer<Service> services;
    private Informer<Endpoints> endpoints;
    private DnsServer server;
    private String ns;

    @BeforeAll
    void start(@TempDir Path root) throws Exception {
        cluster = TestControlPlane.start(1, root);
        api = cluster.client();
        services = Informer.create(api.services(), ListOptions.all(), Duration.ZERO);
        endpoints = Informer.create(api.endpoints(), ListOptions.all(), Duration.ZERO);
        services.start();
        endpoints.start();
        assertThat(services.awaitSynced(DEADLINE)).isTrue();
        assertThat(endpoints.awaitSynced(DEADLINE)).isTrue();
        server = DnsServer.start(
                DnsConfig.defaults().withAddress(new InetSocketAddress("127.0.0.1", 0)),
                ServiceLookup.of(services.indexer(), endpoints.indexer()));
    }

    @BeforeEach
    void namespace(TestInfo test) {
        ns = "dns-" + Integer.toHexString(test.getDisplayName().hashCode());
        api.namespaces()
                .create(Namespace.newBuilder()
                        .setMetadata(ObjectMeta.newBuilder().setName(ns))
                        .build());
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {server, services, endpoints, cluster}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void answersAServiceAndItsNamedPortOverUdpAndTcp() throws Exception {
        Service web = create(DnsFixtures.service(ns, "web", ""));
        String name = "web." + ns + ".svc.cluster.local.";

        Message a = awaitAnswer(udp(), name, Type.A);
        assertThat(rdata(a, Section.ANSWER)).containsExactly(web.getSpec().getClusterIp());
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();

        Message srv = ask(tcp(), "_http._tcp." + name, Type.SRV);
        assertThat(srv.getSection(Section.ANSWER)).singleElement().satisfies(record -> {
            assertThat(((SRVRecord) record).getPort()).isEqualTo(80);
            assertThat(((SRVRecord) record).getTarget().toString()).isEqualTo(name);
        });
        assertThat(rdata(srv, Section.ADDITIONAL)).containsExactly(web.getSpec().getClusterIp());
    }

    @Test
    void answersAHeadlessServiceWithItsReadyEndpoints() throws Exception {
        create(DnsFixtures.service(ns, "db", "None"));
        api.endpoints().apply(DnsFixtures.endpoints(ns, "db", 2));
        String name = "db." + ns + ".svc.cluster.local.";

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(rdata(ask(udp(), name, Type.A), Section.ANSWER))
                        .containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2"));
        Message srv = ask(udp(), "_http._tcp." + name, Type.SRV);
        assertThat(srv.getSection(Section.ANSWER))
                .map(r -> ((SRVRecord) r).getPort() + " " + ((SRVRecord) r).getTarget())
                .containsExactlyInAnyOrder("31000 db-0." + name, "31001 db-1." + name);
        assertThat(rdata(ask(udp(), "db-1." + name, Type.A), Section.ANSWER)).containsExactly("127.0.1.2");
    }

    @Test
    void unknownNamesAreNxdomainAndOutsideNamesRefused() throws Exception {
        create(DnsFixtures.service(ns, "web", ""));
        awaitAnswer(udp(), "web." + ns + ".svc.cluster.local.", Type.A);

        assertThat(ask(udp(), "nope." + ns + ".svc.cluster.local.", Type.A).getRcode())
                .isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask(udp(), "web." + ns + ".svc.cluster.local.", Type.AAAA).getRcode())
                .isEqualTo(Rcode.NOERROR);
        assertThat(ask(udp(), "example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask(tcp(), "example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void garbageGetsFormerrWithItsIdOverUdpAndTcp() throws Exception {
        byte[] garbage = {0x4a, 0x21, 0, 0, (byte) 0xff, (byte) 0xff, 9, 9, 9, 9, 9, 9, 9};

        Message overUdp = new Message(rawUdp(garbage));
        Message overTcp = new Message(rawTcp(garbage));

        for (Message answer : List.of(overUdp, overTcp)) {
            assertThat(answer.getHeader().getID()).isEqualTo(0x4a21);
            assertThat(answer.getRcode()).isEqualTo(Rcode.FORMERR);
        }
        // the server still answers after garbage
        assertThat(ask(udp(), "example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void followsServiceChangesLive() throws Exception {
        String name = "live." + ns + ".svc.cluster.local.";
        assertThat(ask(udp(), name, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);

        Service live = create(DnsFixtures.service(ns, "live", ""));
        awaitAnswer(udp(), name, Type.A);
        api.services()
                .apply(live.toBuilder()
                        .setSpec(live.getSpec().toBuilder()
                                .addPorts(ServicePort.newBuilder()
                                        .setName("admin")
                                        .setPort(8081)))
                        .build());
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(
                                ask(udp(), "_admin._tcp." + name, Type.SRV).getSection(Section.ANSWER))
                        .singleElement()
                        .satisfies(r -> assertThat(((SRVRecord) r).getPort()).isEqualTo(8081)));

        api.services().delete(ns, "live");
        await().atMost(DEADLINE)
                .untilAsserted(
                        () -> assertThat(ask(udp(), name, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN));
    }

    @Test
    void aLargeUdpAnswerIsTruncatedAndWholeOverTcp() throws Exception {
        create(DnsFixtures.service(ns, "big", "None"));
        api.endpoints().apply(DnsFixtures.endpoints(ns, "big", 60));
        String name = "big." + ns + ".svc.cluster.local.";
        SimpleResolver plainUdp = udp();
        plainUdp.setEDNS(-1, 0, 0, List.of());
        plainUdp.setIgnoreTruncation(true);

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(ask(tcp(), name, Type.A).getSection(Section.ANSWER))
                        .hasSize(60));
        Message truncated = ask(plainUdp, name, Type.A);
        assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(truncated.getSection(Section.ANSWER).size()).isLessThan(60);
        assertThat(truncated.toWire().length).isLessThanOrEqualTo(512);

        // a resolver that follows TC gets the whole answer
        Message retried = ask(udp(), "_http._tcp." + name, Type.SRV);
        assertThat(retried.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(retried.getSection(Section.ANSWER)).hasSize(60);
    }

    @Test
    void forwardsOutsideNamesToTheUpstreamAndServfailsWhenItDoesNotAnswer() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start("192.0.2.7");
                DnsServer forwarding = DnsServer.start(
                        DnsConfig.defaults()
                                .withAddress(new InetSocketAddress("127.0.0.1", 0))
                                .withUpstream(upstream.address())
                                .withUpstreamTimeout(Duration.ofMillis(500)),
                        ServiceLookup.of(services.indexer(), endpoints.indexer()))) {
            SimpleResolver resolver = new SimpleResolver(forwarding.address());
            resolver.setTimeout(Duration.ofSeconds(5));

            Message answer = ask(resolver, "example.com.", Type.A);
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(rdata(answer, Section.ANSWER)).containsExactly("192.0.2.7");
            assertThat(upstream.received()).isEqualTo(1);
            assertThat(ask(resolver, "nope." + ns + ".svc.cluster.local.", Type.A)
                            .getRcode())
                    .as("cluster names are never forwarded")
                    .isEqualTo(Rcode.NXDOMAIN);
            assertThat(upstream.received()).isEqualTo(1);

            upstream.goSilent();
            assertThat(ask(resolver, "example.org.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        }
    }

    @Test
    void twoServersShareOnePortAndItKeepsAnsweringWhenOneCloses() throws Exception {
        try (DnsServer second = DnsServer.start(
                DnsConfig.defaults().withAddress(server.address()),
                ServiceLookup.of(services.indexer(), endpoints.indexer()))) {
            assertThat(second.address()).isEqualTo(server.address());
            assertThat(ask(tcp(), "example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        }
        assertThat(ask(udp(), "example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask(tcp(), "example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    private Service create(Service service) {
        return api.services().create(service);
    }

    private SimpleResolver udp() {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver;
    }

    private SimpleResolver tcp() {
        SimpleResolver resolver = udp();
        resolver.setTCP(true);
        return resolver;
    }

    private static Message ask(SimpleResolver resolver, String name, int type) throws Exception {
        return resolver.send(DnsFixtures.query(name, type));
    }

    /** The first answer with records, once the informers have the object. */
    private static Message awaitAnswer(SimpleResolver resolver, String name, int type) {
        return await().atMost(DEADLINE)
                .until(
                        () -> ask(resolver, name, type),
                        m -> !m.getSection(Section.ANSWER).isEmpty());
    }

    private static List<String> rdata(Message message, int section) {
        return message.getSection(section).stream()
                .filter(r -> r.getType() == Type.A)
                .map(Record::rdataToString)
                .toList();
    }

    private byte[] rawUdp(byte[] packet) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(packet, packet.length, server.address()));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            socket.receive(reply);
            return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
        }
    }

    private byte[] rawTcp(byte[] packet) throws Exception {
        try (Socket socket =
                new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(packet.length);
            out.write(packet);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return reply;
        }
    }
}
