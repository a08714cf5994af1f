package io.capstan.cli.store;

import io.capstan.api.flags.Durations;
import io.capstan.cli.CommandException;
import io.capstan.client.ClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code capstan store}: the parent of the store verbs and the owner of their connection flags,
 * which every subcommand accepts ({@code capstan store status --endpoints h:p}).
 */
@Command(
        name = "store",
        mixinStandardHelpOptions = true,
        description = {
            "Inspects and maintains the store through the etcd v3 API of its client ports."
                    + " Values under /registry/ are printed as the objects they hold."
        },
        subcommands = {
            StatusCommand.class,
            MembersCommand.class,
            StoreGetCommand.class,
            StoreWatchCommand.class,
            SnapshotCommand.class,
            CompactCommand.class,
            DefragCommand.class,
            AlarmsCommand.class,
        },
        footer = {
            "",
            "Endpoints come from --endpoints, else the client config's storeEndpoints (--config, $CAPSTAN_CONFIG,"
                    + " ~/.capstan/config), else " + StoreEndpoints.DEFAULT + ". A call that finds an endpoint down"
                    + " moves on to the next.%n"
        })
public final class StoreCommand implements Runnable {
    @Option(
            names = "--endpoints",
            split = ",",
            paramLabel = "HOST:PORT",
            scope = ScopeType.INHERIT,
            description = "Store client endpoints, tried in this order (overrides the client config's storeEndpoints).")
    List<String> endpoints = new ArrayList<>();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Client config file (default: $CAPSTAN_CONFIG, else ~/.capstan/config).")
    @Nullable
    Path config;

    @Option(
            names = "--command-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            scope = ScopeType.INHERIT,
            description = "How long one call to one endpoint may take, e.g. 5s or 500ms (default: ${DEFAULT-VALUE}).")
    String commandTimeout = "10s";

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public void run() {
        CommandSpec self = spec;
        if (self != null) {
            self.commandLine().usage(self.commandLine().getOut());
        }
    }

    /** A connection to the endpoints these flags name; the caller closes it. */
    StoreConnection connect() {
        return new StoreConnection(resolvedEndpoints(), timeout());
    }

    List<String> resolvedEndpoints() {
        if (!endpoints.isEmpty()) {
            return StoreEndpoints.check(endpoints, "--endpoints");
        }
        Path file = config != null ? config : rootConfig();
        return StoreEndpoints.fromConfig(file != null ? file : ClientConfig.defaultPath());
    }

    Duration timeout() {
        Duration parsed = Durations.parse("--command-timeout", commandTimeout);
        if (parsed.isNegative() || parsed.isZero()) {
            throw new CommandException("--command-timeout: must be positive, got " + commandTimeout);
        }
        return parsed;
    }

    /** The root command's {@code --config} ({@code capstan --config FILE store ...}), if given. */
    private @Nullable Path rootConfig() {
        CommandSpec self = spec;
        if (self == null) {
            return null;
        }
        CommandLine root = self.root().commandLine();
        OptionSpec option = root.getCommandSpec().findOption("--config");
        if (option == null) {
            return null;
        }
        Object value = option.getValue();
        return value instanceof Path path ? path : null;
    }
}
