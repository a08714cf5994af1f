package io.capstan.kubelet.dns;

import static io.capstan.kubelet.dns.DnsFixtures.endpoints;
import static io.capstan.kubelet.dns.DnsFixtures.query;
import static io.capstan.kubelet.dns.DnsFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ClusterZoneTest {
    private final ClusterZone zone = new ClusterZone("cluster.local", Duration.ofSeconds(5));
    private final MapServiceLookup lookup = new MapServiceLookup()
            .put(service("shop", "web", "127.77.0.12"))
            .put(service("shop", "db", "None"))
            .put(endpoints("shop", "db", 2))
            .put(service("shop", "pending", ""));

    private Message ask(String name, int type) {
        Message query = query(name, type);
        Message answer = zone.answer(query, lookup);
        assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(answer.getQuestion()).isEqualTo(query.getQuestion());
        assertThat(answer.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answer.getHeader().getFlag(Flags.RD)).isTrue();
        return answer;
    }

    private static List<String> answers(Message message, int section) {
        return message.getSection(section).stream().map(Record::rdataToString).toList();
    }

    @Test
    void aServiceNameAnswersItsClusterIpWithTheTtl() {
        Message answer = ask("web.shop.svc.cluster.local.", Type.A);

        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(answer, Section.ANSWER)).containsExactly("127.77.0.12");
        assertThat(answer.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(5);
    }

    @Test
    void namesAreCaseInsensitive() {
        assertThat(answers(ask("WEB.Shop.SVC.Cluster.Local.", Type.A), Section.ANSWER))
                .containsExactly("127.77.0.12");
    }

    @Test
    void aNamedPortAnswersSrvWithTheServicePortAndTheServiceAsTargetAndItsAddressAdditional() {
        Message answer = ask("_grpc._tcp.web.shop.svc.cluster.local.", Type.SRV);

        assertThat(answer.getSection(Section.ANSWER)).singleElement().satisfies(record -> {
            SRVRecord srv = (SRVRecord) record;
            assertThat(srv.getPort()).isEqualTo(9090);
            assertThat(srv.getTarget().toString()).isEqualTo("web.shop.svc.cluster.local.");
        });
        assertThat(answer.getSection(Section.ADDITIONAL)).singleElement().satisfies(record -> {
            assertThat(record.getName().toString()).isEqualTo("web.shop.svc.cluster.local.");
            assertThat(((ARecord) record).getAddress().getHostAddress()).isEqualTo("127.77.0.12");
        });
    }

    @Test
    void anUnspecifiedPortProtocolIsTcp() {
        assertThat(ask("_http._tcp.web.shop.svc.cluster.local.", Type.SRV).getSection(Section.ANSWER))
                .singleElement()
                .satisfies(record -> assertThat(((SRVRecord) record).getPort()).isEqualTo(80));
        assertThat(ask("_http._udp.web.shop.svc.cluster.local.", Type.SRV).getRcode())
                .isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aHeadlessServiceAnswersEveryReadyEndpointAndNotTheUnready() {
        Message answer = ask("db.shop.svc.cluster.local.", Type.A);

        assertThat(answers(answer, Section.ANSWER)).containsExactlyInAnyOrder("127.0.1.1", "127.0.1.2");
    }

    @Test
    void aHeadlessServiceAnswersSrvPerEndpointWithItsHostPortAndANameThatResolves() {
        Message answer = ask("_http._tcp.db.shop.svc.cluster.local.", Type.SRV);

        assertThat(answer.getSection(Section.ANSWER))
                .map(record -> ((SRVRecord) record).getPort() + " " + ((SRVRecord) record).getTarget())
                .containsExactlyInAnyOrder(
                        "31000 db-0.db.shop.svc.cluster.local.", "31001 db-1.db.shop.svc.cluster.local.");
        assertThat(answer.getSection(Section.ADDITIONAL))
                .map(record -> record.getName() + " " + record.rdataToString())
                .containsExactlyInAnyOrder(
                        "db-0.db.shop.svc.cluster.local. 127.0.1.1", "db-1.db.shop.svc.cluster.local. 127.0.1.2");
        assertThat(answers(ask("db-1.db.shop.svc.cluster.local.", Type.A), Section.ANSWER))
                .containsExactly("127.0.1.2");
    }

    @Test
    void anEndpointIsNamedByItsHostnameWhenItHasOneElseItsPodElseItsAddress() {
        assertThat(ClusterZone.endpointLabel(DnsFixtures.address("web-7f9c", "127.0.0.1")))
                .isEqualTo("web-7f9c");
        assertThat(ClusterZone.endpointLabel(DnsFixtures.address("web-7f9c", "127.0.0.1").toBuilder()
                        .setHostname("db-0")
                        .build()))
                .isEqualTo("db-0");
        assertThat(ClusterZone.endpointLabel(io.capstan.proto.api.v1.EndpointAddress.newBuilder()
                        .setIp("127.0.0.1")
                        .build()))
                .isEqualTo("127-0-0-1");
    }

    @Test
    void namesThatExistWithoutRecordsOfTheTypeAskedAreNodataWithTheSoa() {
        for (String name : List.of(
                "cluster.local.",
                "svc.cluster.local.",
                "shop.svc.cluster.local.",
                "_tcp.web.shop.svc.cluster.local.",
                "pending.shop.svc.cluster.local.")) {
            Message answer = ask(name, Type.A);
            assertThat(answer.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
            assertThat(answer.getSection(Section.ANSWER)).as(name).isEmpty();
            assertThat(answer.getSection(Section.AUTHORITY))
                    .as(name)
                    .singleElement()
                    .isInstanceOf(SOARecord.class);
        }
        Message aaaa = ask("web.shop.svc.cluster.local.", Type.AAAA);
        assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
        Message srvOfA = ask("web.shop.svc.cluster.local.", Type.SRV);
        assertThat(srvOfA.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(srvOfA.getSection(Section.ANSWER)).isEmpty();
        Message aOfSrv = ask("_http._tcp.web.shop.svc.cluster.local.", Type.A);
        assertThat(aOfSrv.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(aOfSrv.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void unknownNamesInTheZoneAreNxdomain() {
        for (String name : List.of(
                "nope.shop.svc.cluster.local.",
                "web.other.svc.cluster.local.",
                "other.svc.cluster.local.",
                "web.shop.pod.cluster.local.",
                "x.web.shop.svc.cluster.local.",
                "_metrics._tcp.web.shop.svc.cluster.local.",
                "a.b._http._tcp.web.shop.svc.cluster.local.",
                "nope.db.shop.svc.cluster.local.",
                "db-unready.db.shop.svc.cluster.local.")) {
            Message answer = ask(name, Type.A);
            assertThat(answer.getRcode()).as(name).isEqualTo(Rcode.NXDOMAIN);
            assertThat(answer.getSection(Section.ANSWER)).as(name).isEmpty();
            assertThat(answer.getSection(Section.AUTHORITY))
                    .as(name)
                    .singleElement()
                    .isInstanceOf(SOARecord.class);
        }
    }

    @Test
    void theApexAnswersItsSoa() {
        assertThat(ask("cluster.local.", Type.SOA).getSection(Section.ANSWER))
                .singleElement()
                .isInstanceOf(SOARecord.class);
    }

    @Test
    void anyQueriesGetTheRecordsOfTheName() {
        assertThat(answers(ask("web.shop.svc.cluster.local.", Type.ANY), Section.ANSWER))
                .containsExactly("127.77.0.12");
    }

    @Test
    void containsOnlyTheZoneAndBelow() throws Exception {
        assertThat(zone.contains(org.xbill.DNS.Name.fromString("a.svc.cluster.local.")))
                .isTrue();
        assertThat(zone.contains(org.xbill.DNS.Name.fromString("cluster.local.")))
                .isTrue();
        assertThat(zone.contains(org.xbill.DNS.Name.fromString("example.com."))).isFalse();
        assertThat(zone.contains(org.xbill.DNS.Name.fromString("notcluster.local.")))
                .isFalse();
    }
}
