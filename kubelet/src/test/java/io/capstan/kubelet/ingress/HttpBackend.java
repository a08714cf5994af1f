package io.capstan.kubelet.ingress;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP endpoint (the JDK's HttpServer) on 127.0.0.1 and an ephemeral port. Every request is
 * answered 200 with the server's name as body and the request headers it saw echoed back as {@code
 * seen-<name>} response headers; {@code ?delayMs=N} answers after N ms. {@link #drain()} stops it
 * letting requests under way finish first (the JDK's server waits its whole delay, 1 s); {@link
 * #close()} stops it at once.
 */
final class HttpBackend implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "http-backend");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger served = new AtomicInteger();

    private HttpBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    static HttpBackend start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        HttpBackend backend = new HttpBackend(name, server);
        server.setExecutor(backend.threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                String query = exchange.getRequestURI().getQuery();
                if (query != null && query.startsWith("delayMs=")) {
                    try {
                        Thread.sleep(Long.parseLong(query.substring("delayMs=".length())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                for (Map.Entry<String, java.util.List<String>> header :
                        exchange.getRequestHeaders().entrySet()) {
                    exchange.getResponseHeaders()
                            .add(
                                    "seen-" + header.getKey().toLowerCase(java.util.Locale.ROOT),
                                    String.join(",", header.getValue()));
                }
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                backend.served.incrementAndGet();
            }
        });
        server.start();
        return backend;
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    int served() {
        return served.get();
    }

    /** Stops listening, lets the requests under way finish, then stops. */
    void drain() {
        server.stop(1);
        threads.shutdownNow();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
