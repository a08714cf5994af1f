package io.capstan.kubelet.probe;

import io.capstan.proto.api.v1.TcpSocketAction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;

/** A TCP probe: a connection accepted within the timeout passes; it is closed at once. */
final class TcpSocketProbe {

    ProbeResult probe(TcpSocketAction action, ProbeTarget target, Duration timeout) {
        String host = action.getHost().isEmpty() ? target.hostAddress() : action.getHost();
        int port;
        try {
            port = target.hostPort(action.getPort());
        } catch (IllegalArgumentException e) {
            return ProbeResult.unknown(String.valueOf(e.getMessage()));
        }
        try (Socket socket = new Socket()) {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                return ProbeResult.failure(DialErrors.describe(host, port, new UnknownHostException(host)));
            }
            socket.connect(address, timeoutMillis(timeout));
            return ProbeResult.success("");
        } catch (IOException e) {
            return ProbeResult.failure(DialErrors.describe(host, port, e));
        }
    }

    /** A positive int of milliseconds: Socket reads 0 as "no timeout". */
    static int timeoutMillis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }
}
