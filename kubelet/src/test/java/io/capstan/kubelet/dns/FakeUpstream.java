package io.capstan.kubelet.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * A resolver on 127.0.0.1 (ephemeral UDP port) that answers every A question with one address, or
 * answers nothing once told to go silent. Counts the queries it answered.
 */
final class FakeUpstream implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetAddress answer;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicBoolean silent = new AtomicBoolean();
    private final Thread thread;

    private FakeUpstream(DatagramSocket socket, InetAddress answer) {
        this.socket = socket;
        this.answer = answer;
        this.thread = new Thread(this::serve, "fake-upstream");
        thread.setDaemon(true);
    }

    static FakeUpstream start(String address) throws IOException {
        FakeUpstream upstream = new FakeUpstream(
                new DatagramSocket(0, InetAddress.getLoopbackAddress()), InetAddress.getByName(address));
        upstream.thread.start();
        return upstream;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    int received() {
        return received.get();
    }

    void goSilent() {
        silent.set(true);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                if (silent.get()) {
                    continue;
                }
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message reply = Responses.replyTo(query);
                reply.getHeader().setFlag(Flags.RA);
                reply.addRecord(new ARecord(query.getQuestion().getName(), DClass.IN, 60, answer), Section.ANSWER);
                byte[] bytes = reply.toWire();
                socket.send(new DatagramPacket(bytes, bytes.length, packet.getSocketAddress()));
                received.incrementAndGet();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
