package io.capstan.kubelet.ingress;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP endpoint (the JDK's HttpServer) on 127.0.0.1 and an ephemeral port. Every request is
 * answered 200 with the server's name as body and the request headers it saw echoed back as {@code
 * seen-<name>} response headers; {@code ?delayMs=N} answers after N ms (from a timer; no thread waits). {@link #drain()} stops it
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
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "http-backend-timer");
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
            exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getQuery();
            if (query != null && query.startsWith("delayMs=")) {
                // answered later from the timer, so no thread waits out the delay
                long delay = Long.parseLong(query.substring("delayMs=".length()));
                backend.timer.schedule(() -> backend.answerQuietly(exchange), delay, TimeUnit.MILLISECONDS);
            } else {
                backend.answer(exchange);
            }
        });
        server.start();
        return backend;
    }

    /** 200 with the server's name, echoing the request headers as {@code seen-*}; closes the exchange. */
    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            for (Map.Entry<String, List<String>> header :
                    exchange.getRequestHeaders().entrySet()) {
                exchange.getResponseHeaders()
                        .add("seen-" + header.getKey().toLowerCase(Locale.ROOT), String.join(",", header.getValue()));
            }
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            served.incrementAndGet();
        }
    }

    private void answerQuietly(HttpExchange exchange) {
        try {
            answer(exchange);
        } catch (IOException e) {
            // the client went away while the answer waited
        }
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
        timer.shutdownNow();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        timer.shutdownNow();
    }
}
