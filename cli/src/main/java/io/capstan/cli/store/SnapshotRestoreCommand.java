package io.capstan.cli.store;

import io.capstan.cli.CommandException;
import io.capstan.store.StoreConfig;
import io.capstan.store.StoreServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code capstan store snapshot restore FILE --data-dir DIR}: etcdutl's offline restore, done by
 * the store's own {@link StoreServer#restore}. It builds a new single-member cluster in an empty
 * data directory whose state is the snapshot; the member then starts with {@code capstan server}
 * (or the store alone) on the same name, peer address and cluster token, and grows back with
 * member add. No running member is contacted.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restores a snapshot file into a new, empty data directory as a single-member cluster (offline:"
                    + " no endpoint is contacted, but the member's peer address is briefly bound)."
                    + " Start the member afterwards with the same --name, --listen-peer and --initial-cluster-token."
        })
final class SnapshotRestoreCommand implements Callable<Integer> {
    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A snapshot written by 'capstan store snapshot save'.")
    Path file = Path.of("");

    @Option(
            names = "--data-dir",
            required = true,
            paramLabel = "DIR",
            description = "The new member's data directory; must be empty or absent.")
    Path dataDir = Path.of("");

    @Option(
            names = "--name",
            defaultValue = "default",
            description = "The new member's name (default: ${DEFAULT-VALUE}).")
    String name = "default";

    @Option(
            names = "--listen-peer",
            defaultValue = "127.0.0.1:2380",
            paramLabel = "HOST:PORT",
            description = "The new member's peer address; it decides the member's ID (default: ${DEFAULT-VALUE}).")
    String listenPeer = "127.0.0.1:2380";

    @Option(
            names = "--initial-cluster-token",
            defaultValue = StoreConfig.DEFAULT_CLUSTER_TOKEN,
            description = "Names the new cluster (default: ${DEFAULT-VALUE}).")
    String clusterToken = StoreConfig.DEFAULT_CLUSTER_TOKEN;

    @Option(names = "--skip-hash-check", description = "Restore even if the SHA-256 trailer does not match.")
    boolean skipHashCheck;

    @Override
    public Integer call() {
        StoreEndpoints.check(java.util.List.of(listenPeer), "--listen-peer");
        if (name.isBlank()) {
            throw new CommandException("--name: must not be empty");
        }
        try {
            if (!skipHashCheck) {
                SnapshotFile.verify(file);
            }
            StoreConfig config = StoreConfig.of(
                            name, dataDir, "127.0.0.1:0", listenPeer, Map.of(name, "http://" + listenPeer))
                    .withClusterToken(clusterToken);
            StoreServer.restore(config, file);
        } catch (IOException e) {
            throw new CommandException("snapshot restore: " + e.getMessage(), e);
        }
        PrintWriter out = Commands.out(spec);
        out.println("Restored " + file + " into " + dataDir + " as a single-member cluster (member " + name
                + ", peer http://" + listenPeer + ").");
        out.println("Start it with: capstan server --name " + name + " --data-dir " + dataDir + " --listen-peer "
                + listenPeer + " --initial-cluster-token " + clusterToken
                + "; then grow it back with member add.");
        out.flush();
        return 0;
    }
}
