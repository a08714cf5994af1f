package io.capstan.store.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The small HTTP port every Capstan process serves: {@code /metrics} (Prometheus text format),
 * {@code /healthz} (the process is up and part of a working group) and {@code /readyz} (it can
 * serve requests now). A check answers 200 with "ok" or 503 with the reason.
 */
public final class OpsServer implements AutoCloseable {
    /** A health check: null when healthy, otherwise the reason it is not. */
    @FunctionalInterface
    public interface Check {
        @org.jspecify.annotations.Nullable
        String problem();
    }

    private final HttpServer server;
    private final ExecutorService executor;

    public OpsServer(InetSocketAddress address, PrometheusMeterRegistry registry, Check health, Check ready)
            throws IOException {
        server = HttpServer.create(address, 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, registry::scrape, "text/plain; version=0.0.4; charset=utf-8"));
        server.createContext("/healthz", exchange -> check(exchange, health));
        server.createContext("/readyz", exchange -> check(exchange, ready));
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void check(HttpExchange exchange, Check check) throws IOException {
        String problem = check.problem();
        if (problem == null) {
            respond(exchange, 200, () -> "ok\n", "text/plain; charset=utf-8");
        } else {
            respond(exchange, 503, () -> problem + "\n", "text/plain; charset=utf-8");
        }
    }

    private static void respond(HttpExchange exchange, int status, Supplier<String> body, String contentType)
            throws IOException {
        try (exchange) {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
