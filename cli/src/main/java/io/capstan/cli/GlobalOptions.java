package io.capstan.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The connection flags, accepted before or after the verb: {@code capstan --server h:p get pods}
 * and {@code capstan get pods --server h:p} are the same. A flag given after the verb wins.
 */
final class GlobalOptions {
    @Option(
            names = "--server",
            split = ",",
            paramLabel = "HOST:PORT",
            description = "API servers to call, in order (overrides the config's endpoints).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token (overrides the config's token).")
    @Nullable
    String token;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Client config file (default: $CAPSTAN_CONFIG, else ~/.capstan/config).")
    @Nullable
    Path config;

    /** These flags, each falling back to {@code outer}'s where not given here. */
    GlobalOptions over(GlobalOptions outer) {
        GlobalOptions merged = new GlobalOptions();
        merged.servers = servers.isEmpty() ? outer.servers : servers;
        merged.token = token != null ? token : outer.token;
        merged.config = config != null ? config : outer.config;
        return merged;
    }
}
