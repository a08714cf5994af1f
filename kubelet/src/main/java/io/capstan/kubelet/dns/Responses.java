package io.capstan.kubelet.dns;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Building answers: what every answer copies from its query. */
final class Responses {
    /** The smallest DNS message: its header. */
    static final int HEADER_BYTES = 12;

    private Responses() {}

    /** An empty NOERROR answer to {@code query}: id, opcode, RD, CD and question copied, QR set. */
    static Message replyTo(Message query) {
        Header header = new Header(query.getHeader().getID());
        header.setFlag(Flags.QR);
        header.setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        if (query.getHeader().getFlag(Flags.CD)) {
            header.setFlag(Flags.CD);
        }
        Message response = new Message();
        response.setHeader(header);
        Record question = query.getQuestion();
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        return response;
    }

    /** An answer of {@code rcode} with nothing but the header: for a query that could not be read. */
    static Message headerOnly(int id, int rcode) {
        Header header = new Header(id);
        header.setFlag(Flags.QR);
        header.setRcode(rcode);
        Message response = new Message();
        response.setHeader(header);
        return response;
    }

    /** The id of a packet at least {@link #HEADER_BYTES} long. */
    static int id(byte[] packet) {
        return ((packet[0] & 0xff) << 8) | (packet[1] & 0xff);
    }
}
