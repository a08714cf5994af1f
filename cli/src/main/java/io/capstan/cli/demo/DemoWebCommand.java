package io.capstan.cli.demo;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code capstan demo-web}: runs {@link DemoWebServer} until SIGTERM (or SIGINT), then stops it
 * cleanly: no new connections, the exchanges in progress finish, and the process exits.
 */
@Command(
        name = "demo-web",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a small demo HTTP server, the command of the example pods in deploy/examples/.",
            "GET / answers 'hello from <pod> <message>'; GET /healthz 200; GET /users a JSON list, or null"
                    + " after POST /users/null (which toggles) or with USERS_NULL=1.",
            "With --upstream URL (or $UPSTREAM), GET /api-check fetches URL/ and answers 'web <pod> -> <its answer>',"
                    + " or 502 with the error.",
            "The pod name is $POD_NAME, else $HOSTNAME (which the kubelet sets to the pod's name)."
        })
public final class DemoWebCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8080;

    @Option(
            names = "--port",
            description = "Port to listen on (default: $PORT, which the kubelet sets to the container's host port,"
                    + " else " + DEFAULT_PORT + ").")
    @Nullable
    Integer port;

    @Option(
            names = "--address",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String address = "127.0.0.1";

    @Option(
            names = "--message",
            description = "Version string appended to the greeting (default: $MESSAGE, else none).")
    @Nullable
    String message;

    @Option(
            names = "--upstream",
            paramLabel = "URL",
            description =
                    "http:// URL whose / GET /api-check fetches (default: $UPSTREAM, else none: /api-check is 404).")
    @Nullable
    String upstream;

    @Option(
            names = "--drain",
            defaultValue = "2",
            description = "Seconds that exchanges in progress get to finish on SIGTERM (default: ${DEFAULT-VALUE}).")
    int drainSeconds = 2;

    @Spec
    @Nullable
    CommandSpec spec;

    private final Map<String, String> env;

    public DemoWebCommand() {
        this(System.getenv());
    }

    DemoWebCommand(Map<String, String> env) {
        this.env = env;
    }

    /** What the flags and the environment settle on. */
    record Settings(
            InetSocketAddress address,
            String podName,
            String message,
            boolean usersNull,
            @Nullable URI upstream) {}

    Settings settings() {
        int chosenPort = port != null ? port : portFromEnv();
        String podName = firstNonBlank(env.get("POD_NAME"), env.get("HOSTNAME"), "demo-web");
        String chosenMessage = message != null ? message : firstNonBlank(env.get("MESSAGE"), "", "");
        String usersNull = env.getOrDefault("USERS_NULL", "");
        boolean startNull = usersNull.equals("1") || usersNull.equalsIgnoreCase("true");
        return new Settings(
                new InetSocketAddress(address, chosenPort), podName, chosenMessage, startNull, upstreamUri());
    }

    private @Nullable URI upstreamUri() {
        boolean fromFlag = upstream != null;
        String value = fromFlag ? upstream : env.get("UPSTREAM");
        if (value == null || value.isBlank()) {
            return null;
        }
        String source = fromFlag ? "--upstream" : "$UPSTREAM";
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(source + ": not a URL: \"" + value + "\"", e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    source + ": expected http://HOST:PORT or https://HOST:PORT, got \"" + value + "\"");
        }
        return uri;
    }

    private int portFromEnv() {
        String value = env.get("PORT");
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("$PORT: expected a port number, got \"" + value + "\"", e);
        }
    }

    private static String firstNonBlank(@Nullable String first, @Nullable String second, String otherwise) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        if (second != null && !second.isBlank()) {
            return second;
        }
        return otherwise;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        Settings settings = settings();
        DemoWebServer server = DemoWebServer.start(
                settings.address(),
                settings.podName(),
                settings.message(),
                settings.usersNull(),
                Duration.ofSeconds(Math.max(0, drainSeconds)),
                settings.upstream());
        InetSocketAddress bound = server.address();
        out.println("demo-web " + settings.podName() + " listening on http://" + bound.getHostString() + ":"
                + bound.getPort() + "/" + (settings.message().isEmpty() ? "" : " message=" + settings.message())
                + (settings.usersNull() ? " users=null" : "")
                + (settings.upstream() == null ? "" : " upstream=" + settings.upstream()));
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("demo-web " + settings.podName() + " stopping after " + server.requests()
                                    + " requests");
                            server.close();
                            out.println("demo-web " + settings.podName() + " stopped");
                            out.flush();
                            stopped.countDown();
                        },
                        "demo-web-shutdown"));
        stopped.await();
        return 0;
    }

    private PrintWriter out() {
        CommandSpec current = spec;
        if (current == null) {
            throw new IllegalStateException("picocli injects the spec before the command runs");
        }
        return current.commandLine().getOut();
    }
}
