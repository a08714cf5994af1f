package io.capstan.bench;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the load goes and how each request is bounded; shared by every scenario. */
final class ClusterOptions {
    @Option(
            names = "--endpoints",
            required = true,
            description = "Comma-separated client endpoints, 127.0.0.1 only, e.g. 127.0.0.1:2379,127.0.0.1:22379")
    String endpoints = "";

    @Option(
            names = "--connections",
            defaultValue = "1",
            description = "HTTP/2 connections per endpoint (default ${DEFAULT-VALUE})")
    int connections = 1;

    @Option(
            names = "--rpc-timeout",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Deadline of each request (default ${DEFAULT-VALUE})")
    Duration rpcTimeout = Duration.ofSeconds(5);

    Cluster connect() {
        List<Endpoint> parsed = Endpoint.parseList(endpoints);
        Bounds.check("--connections", connections, 1, 64);
        Bounds.check("--rpc-timeout", rpcTimeout, Duration.ofMillis(10));
        return Cluster.connect(parsed, connections);
    }

    long rpcTimeoutMillis() {
        return rpcTimeout.toMillis();
    }

    /** How long a run waits for its outstanding requests once it stops sending. */
    Duration drain() {
        return rpcTimeout.plusSeconds(1);
    }
}
