package io.capstan.kubelet.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** A client connection to a {@link NamedServer}, usually through the proxy; reads time out after 5 s. */
final class ProxyClient implements AutoCloseable {
    static final int TIMEOUT_MILLIS = 5_000;

    private final Socket socket;
    private final BufferedReader in;
    private final PrintStream out;

    private ProxyClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintStream(socket.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    static ProxyClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            return new ProxyClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The name of the endpoint a new connection to {@code address} reaches. */
    static String nameVia(InetSocketAddress address) {
        try (ProxyClient client = connect(address)) {
            String name = client.readLine();
            if (name == null) {
                throw new IOException("connection to " + address + " ended before a greeting");
            }
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line, null at the end of the stream; a timeout is an error. */
    @Nullable
    String readLine() throws IOException {
        try {
            return in.readLine();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no line within " + TIMEOUT_MILLIS + " ms", e);
        }
    }

    void send(String line) {
        out.println(line);
    }

    /** Ends this side's output (FIN), keeping the input open. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
