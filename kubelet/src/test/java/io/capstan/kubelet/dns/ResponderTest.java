package io.capstan.kubelet.dns;

import static io.capstan.kubelet.dns.DnsFixtures.endpoints;
import static io.capstan.kubelet.dns.DnsFixtures.query;
import static io.capstan.kubelet.dns.DnsFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponderTest {
    private final Responder responder = new Responder(
            new ClusterZone("cluster.local", Duration.ofSeconds(5)),
            new MapServiceLookup()
                    .put(service("shop", "web", "127.77.0.12"))
                    .put(service("shop", "big", "None"))
                    .put(endpoints("shop", "big", 100))
                    .put(service("shop", "mid", "None"))
                    .put(endpoints("shop", "mid", 50)),
            null);

    private Optional<byte[]> respond(byte[] packet, Responder.Transport transport) {
        return responder.respond(packet, transport).join();
    }

    private Message answer(Message query, Responder.Transport transport) throws Exception {
        return new Message(respond(query.toWire(), transport).orElseThrow());
    }

    @Test
    void garbageWithAReadableIdIsFormerrWithThatId() throws Exception {
        byte[] garbage = {0x12, 0x34, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9};

        Message answer = new Message(respond(garbage, Responder.Transport.UDP).orElseThrow());

        assertThat(answer.getHeader().getID()).isEqualTo(0x1234);
        assertThat(answer.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(answer.getHeader().getFlag(Flags.QR)).isTrue();
    }

    @Test
    void aPacketShorterThanAHeaderGetsNoAnswer() {
        assertThat(respond(new byte[] {1, 2, 3}, Responder.Transport.UDP)).isEmpty();
    }

    @Test
    void aQueryWithoutQuestionOrAResponseIsFormerr() throws Exception {
        Message empty = new Message(7);
        assertThat(answer(empty, Responder.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);

        Message response = query("web.shop.svc.cluster.local.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertThat(answer(response, Responder.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void anotherOpcodeIsNotImplemented() throws Exception {
        Message update = query("web.shop.svc.cluster.local.", Type.A);
        update.getHeader().setOpcode(Opcode.UPDATE);

        assertThat(answer(update, Responder.Transport.UDP).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void namesOutsideTheZoneAreRefusedWithoutAnUpstream() throws Exception {
        Message query = query("example.com.", Type.A);

        Message answer = answer(query, Responder.Transport.UDP);

        assertThat(answer.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
        assertThat(answer.getQuestion()).isEqualTo(query.getQuestion());
        assertThat(answer.getHeader().getFlag(Flags.AA)).isFalse();
    }

    @Test
    void aUdpAnswerOver512BytesIsTruncatedAndWholeOverTcp() throws Exception {
        Message query = query("big.shop.svc.cluster.local.", Type.A);

        byte[] udp = respond(query.toWire(), Responder.Transport.UDP).orElseThrow();
        byte[] tcp = respond(query.toWire(), Responder.Transport.TCP).orElseThrow();

        assertThat(udp.length).isLessThanOrEqualTo(512);
        assertThat(new Message(udp).getHeader().getFlag(Flags.TC)).isTrue();
        Message whole = new Message(tcp);
        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(whole.getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void anEdnsQueryGetsAnOptRecordAndItsLargerPayloadUpToTheServersLimit() throws Exception {
        Message small = query("web.shop.svc.cluster.local.", Type.A);
        small.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        Message answer = answer(small, Responder.Transport.UDP);
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getOPT()).isNotNull();
        assertThat(answer.getOPT().getPayloadSize()).isEqualTo(Responder.EDNS_PAYLOAD_BYTES);

        Message mid = query("mid.shop.svc.cluster.local.", Type.A);
        mid.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] udp = respond(mid.toWire(), Responder.Transport.UDP).orElseThrow();
        assertThat(udp.length).isGreaterThan(512).isLessThanOrEqualTo(Responder.EDNS_PAYLOAD_BYTES);
        assertThat(new Message(udp).getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(new Message(udp).getSection(Section.ANSWER)).hasSize(50);

        Message big = query("big.shop.svc.cluster.local.", Type.A);
        big.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] truncated = respond(big.toWire(), Responder.Transport.UDP).orElseThrow();
        assertThat(new Message(truncated).getHeader().getFlag(Flags.TC)).isTrue();
    }
}
