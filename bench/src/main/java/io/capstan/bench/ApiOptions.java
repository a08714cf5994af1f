package io.capstan.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where the object API load goes, with which token, and how each request is bounded; shared by every
 * {@link ApiBench} scenario. Endpoints and token come from the flags, else from the client config
 * ({@code --config}, else {@code $CAPSTAN_CONFIG}).
 */
final class ApiOptions {
    /** What a run talks to, resolved from flags and config. */
    record Target(List<Endpoint> endpoints, String token) {}

    @Option(
            names = "--endpoints",
            description = "Comma-separated API endpoints, 127.0.0.1 only, e.g. 127.0.0.1:6443,127.0.0.1:16443"
                    + " (default: the config's)")
    @Nullable
    String endpoints;

    @Option(names = "--token", description = "Bearer token (default: the config's)")
    @Nullable
    String token;

    @Option(
            names = "--config",
            description = "Client config written by the server (endpoints and token), e.g."
                    + " $CAPSTAN_DIR/config (default: $CAPSTAN_CONFIG)")
    @Nullable
    Path config;

    @Option(
            names = "--connections",
            defaultValue = "1",
            description = "HTTP/2 connections per endpoint (default ${DEFAULT-VALUE})")
    int connections = 1;

    @Option(
            names = "--rpc-timeout",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Deadline of each request (default ${DEFAULT-VALUE})")
    Duration rpcTimeout = Duration.ofSeconds(10);

    ApiCluster connect() {
        Target target = resolve(System.getenv());
        Bounds.check("--connections", connections, 1, 64);
        Bounds.check("--rpc-timeout", rpcTimeout, Duration.ofMillis(10));
        return ApiCluster.connect(target.endpoints(), connections, target.token());
    }

    /** Flags first, then the config file; refuses a run without endpoints or token. */
    Target resolve(Map<String, String> env) {
        @Nullable Path file = config;
        if (file == null && env.containsKey("CAPSTAN_CONFIG")) {
            file = Path.of(env.get("CAPSTAN_CONFIG"));
        }
        ClientConfig fromFile = file == null ? new ClientConfig(List.of(), "") : ClientConfig.read(file);
        String endpointList = endpoints != null ? endpoints : fromFile.endpointList();
        if (endpointList == null) {
            throw new IllegalArgumentException("--endpoints: required (or --config with endpoints)");
        }
        String bearer = token != null ? token : fromFile.token();
        if (bearer.isBlank()) {
            throw new IllegalArgumentException("--token: required (or --config with a token)");
        }
        return new Target(Endpoint.parseList(endpointList), bearer.trim());
    }

    /** The resolved endpoints for a summary; never the token. */
    String endpointsForSummary() {
        List<String> list = new ArrayList<>();
        for (Endpoint endpoint : resolve(System.getenv()).endpoints()) {
            list.add(endpoint.toString());
        }
        return String.join(",", list);
    }

    long rpcTimeoutMillis() {
        return rpcTimeout.toMillis();
    }

    /** How long a run waits for its outstanding requests once it stops sending. */
    Duration drain() {
        return rpcTimeout.plusSeconds(1);
    }
}
