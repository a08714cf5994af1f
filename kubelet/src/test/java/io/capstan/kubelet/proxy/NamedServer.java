package io.capstan.kubelet.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny TCP endpoint on 127.0.0.1 and an ephemeral port that greets each connection with its name
 * and a newline, then echoes every line it reads until the client ends its output, then writes
 * {@code bye <name>} and closes. {@link #close()} stops listening (connects are then refused) and
 * closes open connections.
 */
final class NamedServer implements AutoCloseable {
    private final String name;
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "endpoint");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    private NamedServer(String name, ServerSocket socket) {
        this.name = name;
        this.socket = socket;
    }

    static NamedServer start(String name) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NamedServer server = new NamedServer(name, socket);
        server.threads.execute(server::acceptLoop);
        return server;
    }

    String name() {
        return name;
    }

    int port() {
        return socket.getLocalPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                accepted.incrementAndGet();
                open.add(connection);
                threads.execute(() -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
                PrintStream out = new PrintStream(connection.getOutputStream(), true, StandardCharsets.UTF_8)) {
            out.println(name);
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
            }
            out.println("bye " + name);
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(connection);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : open) {
            connection.close();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
