package io.capstan.controllers.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook on 127.0.0.1 that records every request (its Idempotency-Key and JSON body) and
 * answers as told: 200, 503, or not until released.
 */
final class WebhookReceiver implements AutoCloseable {
    enum Mode {
        OK,
        FAIL,
        HOLD
    }

    record Request(String key, JsonNode body, String authorization, boolean accepted) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Mode mode = Mode.OK;
    private HttpServer server;
    private final int port;

    WebhookReceiver(int port) throws IOException {
        server = start(port);
        this.port = server.getAddress().getPort();
    }

    private HttpServer start(int onPort) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        created.createContext("/", this::handle);
        created.setExecutor(threads);
        created.start();
        return created;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            arrivals.add(key);
            Mode now = mode;
            if (now == Mode.HOLD) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            boolean ok = now != Mode.FAIL;
            requests.add(new Request(key, body, auth, ok));
            byte[] answer = (ok ? "ok" : "down").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 503, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    void mode(Mode value) {
        mode = value;
    }

    void releaseHeld() {
        release.countDown();
    }

    /** Stops listening: attempts are refused until {@link #restart()}. */
    void stop() {
        server.stop(0);
    }

    void restart() throws IOException {
        server = start(port);
    }

    /** The keys of all requests in order of arrival, held ones included. */
    List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    /** The keys answered 2xx, in order. */
    List<String> accepted() {
        return requests.stream().filter(Request::accepted).map(Request::key).toList();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
