package io.capstan.kubelet.dns;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * From a packet as received to the bytes to send back, whatever the packet holds:
 *
 * <ul>
 *   <li>shorter than a header: no answer (there is no id to answer to);
 *   <li>not a readable message, a response, or not exactly one question: FORMERR;
 *   <li>an opcode other than QUERY: NOTIMP;
 *   <li>a name in the cluster domain: {@link ClusterZone}'s answer, class IN (or ANY) only
 *       (SERVFAIL should it throw);
 *   <li>any other name: the upstream's answer when one is configured (SERVFAIL when it fails or
 *       times out), else REFUSED.
 * </ul>
 *
 * <p>EDNS: an answer to a query with an OPT record carries one too, advertising {@link
 * #EDNS_PAYLOAD_BYTES}; a UDP answer is cut to the query's payload size (at least 512, at most
 * {@link #EDNS_PAYLOAD_BYTES}), or to 512 bytes without EDNS, with TC set, so the client asks again
 * over TCP. Thread-safe.
 */
final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);
    static final int UDP_BYTES = 512;
    static final int EDNS_PAYLOAD_BYTES = 1232;
    static final int TCP_BYTES = 65535;

    /** How the answer travels, which decides its size limit. */
    enum Transport {
        UDP,
        TCP
    }

    private final ClusterZone zone;
    private final ServiceLookup lookup;
    private final @Nullable Upstream upstream;

    Responder(ClusterZone zone, ServiceLookup lookup, @Nullable Upstream upstream) {
        this.zone = zone;
        this.lookup = lookup;
        this.upstream = upstream;
    }

    /** The bytes to answer {@code packet} with, or empty for a packet that gets none. */
    CompletableFuture<Optional<byte[]>> respond(byte[] packet, Transport transport) {
        if (packet.length < Responses.HEADER_BYTES) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Message query;
        try {
            query = new Message(packet);
        } catch (IOException | RuntimeException e) {
            // dnsjava reports most malformed packets as WireParseException, some as runtime ones
            log.debug("Malformed query of {} bytes: {}", packet.length, e.toString());
            return done(Responses.headerOnly(Responses.id(packet), Rcode.FORMERR), UDP_BYTES);
        }
        int limit = transport == Transport.TCP ? TCP_BYTES : udpLimit(query.getOPT());
        if (query.getHeader().getFlag(Flags.QR) || query.getSectionArray(Section.QUESTION).length != 1) {
            return done(withEdns(errorTo(query, Rcode.FORMERR), query), limit);
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            return done(withEdns(errorTo(query, Rcode.NOTIMP), query), limit);
        }
        Record question = query.getQuestion();
        if (zone.contains(question.getName())) {
            if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
                return done(withEdns(errorTo(query, Rcode.REFUSED), query), limit);
            }
            Message answer;
            try {
                answer = zone.answer(query, lookup);
            } catch (RuntimeException e) {
                // a bug must cost one answer, not the client's wait for a timeout
                log.warn("Cannot answer {} {}", question.getName(), org.xbill.DNS.Type.string(question.getType()), e);
                answer = errorTo(query, Rcode.SERVFAIL);
            }
            return done(withEdns(answer, query), limit);
        }
        Upstream forwarder = upstream;
        if (forwarder == null) {
            return done(withEdns(errorTo(query, Rcode.REFUSED), query), limit);
        }
        return forwarder.forward(query).handle((answer, error) -> {
            if (error != null) {
                log.debug("Upstream {} failed for {}: {}", forwarder.address(), question.getName(), error.toString());
                return Optional.of(
                        withEdns(errorTo(query, Rcode.SERVFAIL), query).toWire(limit));
            }
            answer.getHeader().setID(query.getHeader().getID());
            return Optional.of(answer.toWire(limit));
        });
    }

    private static CompletableFuture<Optional<byte[]>> done(Message response, int limit) {
        return CompletableFuture.completedFuture(Optional.of(response.toWire(limit)));
    }

    private static Message errorTo(Message query, int rcode) {
        Message response = Responses.replyTo(query);
        response.getHeader().setRcode(rcode);
        return response;
    }

    /** Adds an OPT record when the query has one (RFC 6891: a responder that knows EDNS says so). */
    private static Message withEdns(Message response, Message query) {
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD_BYTES, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    private static int udpLimit(@Nullable OPTRecord opt) {
        if (opt == null) {
            return UDP_BYTES;
        }
        return Math.min(EDNS_PAYLOAD_BYTES, Math.max(UDP_BYTES, opt.getPayloadSize()));
    }
}
