package io.capstan.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The demo web server: one HTTP/1.1 listener with five routes.
 *
 * <ul>
 *   <li>{@code GET /}: {@code hello from <pod> <message>} and a newline ({@code hello from <pod>}
 *       when the message is empty), so a client can tell replicas and versions apart.
 *   <li>{@code GET /healthz}: 200 {@code ok}, for readiness and liveness probes.
 *   <li>{@code GET /users}: a JSON list of users, or the JSON {@code null} while switched to null
 *       (a stand-in for a bad release that a client notices).
 *   <li>{@code POST /users/null}: toggles that switch and answers its new state ({@code
 *       users-null=true|false}).
 *   <li>{@code GET /api-check}: when an upstream URL is set, fetches {@code <upstream>/} (2 s
 *       timeout) and answers {@code web <pod> -> <its body>}; 502 with the error when the upstream
 *       fails or answers other than 2xx; 404 when no upstream is set. Shows one service reaching
 *       another.
 * </ul>
 *
 * <p>With {@code $PATH_PREFIX} set (e.g. {@code /api}), every route is also served under that
 * prefix, as behind an Ingress path that is passed on unchanged. Anything else is 404; a wrong method on a known path is 405. Thread-safe; {@link #close}
 * stops accepting connections and lets the exchanges in progress finish, for at most the drain
 * time given at start.
 */
public final class DemoWebServer implements AutoCloseable {
    static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    static final String USERS_JSON =
            "[{\"id\":1,\"name\":\"alice\"},{\"id\":2,\"name\":\"bob\"},{\"id\":3,\"name\":\"carol\"}]";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String podName;
    private final String message;
    private final AtomicBoolean usersNull;
    private final AtomicLong requests = new AtomicLong();
    private final Duration drain;
    private final @Nullable URI upstream;
    private final @Nullable HttpClient upstreamClient;
    private final String pathPrefix = pathPrefixFromEnv();

    private DemoWebServer(
            HttpServer server,
            ExecutorService executor,
            String podName,
            String message,
            boolean usersNull,
            Duration drain,
            @Nullable URI upstream) {
        this.server = server;
        this.executor = executor;
        this.podName = podName;
        this.message = message;
        this.usersNull = new AtomicBoolean(usersNull);
        this.drain = drain;
        this.upstream = upstream;
        this.upstreamClient = upstream == null
                ? null
                : HttpClient.newBuilder().connectTimeout(UPSTREAM_TIMEOUT).build();
    }

    /**
     * Binds {@code address} and starts serving.
     *
     * @param drain how long {@link #close} waits for exchanges in progress
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public static DemoWebServer start(
            InetSocketAddress address, String podName, String message, boolean usersNull, Duration drain)
            throws IOException {
        return start(address, podName, message, usersNull, drain, null);
    }

    /**
     * Binds {@code address} and starts serving, with {@code GET /api-check} fetching {@code
     * upstream} + {@code /} when {@code upstream} is not null.
     *
     * @param drain how long {@link #close} waits for exchanges in progress
     * @throws IOException when the address cannot be bound (e.g. the port is taken)
     */
    public static DemoWebServer start(
            InetSocketAddress address,
            String podName,
            String message,
            boolean usersNull,
            Duration drain,
            @Nullable URI upstream)
            throws IOException {
        // read once, when the JVM's first server is made: without it the JDK server writes the headers
        // and the body as two segments with Nagle on, and each answer waits ~40 ms for the client's
        // delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "demo-web-http");
            thread.setDaemon(true);
            return thread;
        });
        DemoWebServer demo = new DemoWebServer(server, executor, podName, message, usersNull, drain, upstream);
        server.createContext("/", demo::handle);
        server.setExecutor(executor);
        server.start();
        return demo;
    }

    /** The bound address, with the port chosen when 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public boolean isUsersNull() {
        return usersNull.get();
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    /** The body of {@code GET /}. */
    String greeting() {
        return message.isEmpty() ? "hello from " + podName + "\n" : "hello from " + podName + " " + message + "\n";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String path = withoutPrefix(exchange.getRequestURI().getPath());
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/" -> {
                    if (isRead(method)) {
                        respond(exchange, 200, "text/plain", greeting());
                    } else {
                        respond(exchange, 405, "text/plain", "method not allowed\n");
                    }
                }
                case "/healthz" -> {
                    if (isRead(method)) {
                        respond(exchange, 200, "text/plain", "ok\n");
                    } else {
                        respond(exchange, 405, "text/plain", "method not allowed\n");
                    }
                }
                case "/users" -> {
                    if (isRead(method)) {
                        respond(exchange, 200, "application/json", (usersNull.get() ? "null" : USERS_JSON) + "\n");
                    } else {
                        respond(exchange, 405, "text/plain", "method not allowed\n");
                    }
                }
                case "/users/null" -> {
                    if (method.equals("POST")) {
                        boolean now = toggleUsersNull();
                        respond(exchange, 200, "text/plain", "users-null=" + now + "\n");
                    } else {
                        respond(exchange, 405, "text/plain", "method not allowed; POST toggles\n");
                    }
                }
                case "/api-check" -> {
                    if (isRead(method)) {
                        checkUpstream(exchange);
                    } else {
                        respond(exchange, 405, "text/plain", "method not allowed\n");
                    }
                }
                default -> respond(exchange, 404, "text/plain", "not found: " + path + "\n");
            }
        }
    }

    /**
     * The path with {@code $PATH_PREFIX} taken off its front when it starts with that prefix as whole
     * path elements, so that an Ingress path such as {@code /api} reaches the routes unchanged.
     */
    private String withoutPrefix(String path) {
        String prefix = pathPrefix;
        if (prefix.isEmpty() || !path.startsWith(prefix)) {
            return path;
        }
        String rest = path.substring(prefix.length());
        if (rest.isEmpty()) {
            return "/";
        }
        return rest.startsWith("/") ? rest : path;
    }

    /** {@code GET /api-check}: this pod's name, then what {@code <upstream>/} answers. */
    private void checkUpstream(HttpExchange exchange) throws IOException {
        URI target = upstream;
        HttpClient client = upstreamClient;
        if (target == null || client == null) {
            respond(exchange, 404, "text/plain", "no upstream: start demo-web with --upstream URL or $UPSTREAM\n");
            return;
        }
        URI root = rootOf(target);
        String prefix = "web " + podName + " -> ";
        HttpRequest request =
                HttpRequest.newBuilder(root).timeout(UPSTREAM_TIMEOUT).GET().build();
        HttpResponse<String> answer;
        try {
            answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 502, "text/plain", prefix + root + ": interrupted\n");
            return;
        } catch (IOException e) {
            respond(exchange, 502, "text/plain", prefix + root + ": " + describe(e) + "\n");
            return;
        }
        String body = answer.body().strip();
        if (answer.statusCode() / 100 != 2) {
            respond(
                    exchange,
                    502,
                    "text/plain",
                    prefix + root + ": answered " + answer.statusCode() + (body.isEmpty() ? "" : ": " + body) + "\n");
            return;
        }
        respond(exchange, 200, "text/plain", prefix + body + "\n");
    }

    private static String pathPrefixFromEnv() {
        String value = System.getenv("PATH_PREFIX");
        if (value == null || value.isBlank()) {
            return "";
        }
        String trimmed = value.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() || trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    /** {@code upstream} with the path {@code /} after its own path, without doubling the slash. */
    static URI rootOf(URI upstream) {
        String text = upstream.toString();
        return URI.create(text.endsWith("/") ? text : text + "/");
    }

    private static String describe(IOException e) {
        String detail = e.getMessage();
        String name = e.getClass().getSimpleName();
        return detail == null || detail.isBlank() ? name : name + ": " + detail;
    }

    private boolean toggleUsersNull() {
        boolean previous;
        do {
            previous = usersNull.get();
        } while (!usersNull.compareAndSet(previous, !previous));
        return !previous;
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops accepting, waits up to the drain time for exchanges in progress, then stops. */
    @Override
    public void close() {
        server.stop((int) Math.max(0, drain.toSeconds()));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(drain.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
