package io.capstan.cli.store;

import io.capstan.cli.output.Table;
import io.capstan.proto.etcd.StatusRequest;
import io.capstan.proto.etcd.StatusResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan store status}: each endpoint's member, leadership, Raft position, revision and size. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Asks every endpoint for its status, as 'etcdctl endpoint status -w table'."
                    + " Exits 1 if an endpoint does not answer (it is listed on stderr)."
        })
final class StatusCommand implements Callable<Integer> {
    static final List<String> HEADERS = List.of(
            "ENDPOINT",
            "ID",
            "VERSION",
            "DB SIZE",
            "IS LEADER",
            "RAFT TERM",
            "RAFT INDEX",
            "RAFT APPLIED INDEX",
            "REVISION",
            "ERRORS");

    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() {
        StoreCommand store = Commands.require(parent);
        PrintWriter err = Commands.err(spec);
        Table table = new Table().add(HEADERS);
        int failed = 0;
        try (StoreConnection connection = store.connect()) {
            for (String address : connection.endpoints()) {
                StatusResponse status;
                try {
                    status = connection.endpoint(address).maintenance().status(StatusRequest.getDefaultInstance());
                } catch (StatusRuntimeException e) {
                    err.println("error: " + address + ": " + StoreConnection.describe(e));
                    failed++;
                    continue;
                }
                long id = status.getHeader().getMemberId();
                table.add(List.of(
                        address,
                        Long.toHexString(id),
                        status.getVersion(),
                        humanBytes(status.getDbSize()),
                        Boolean.toString(id != 0 && status.getLeader() == id),
                        Long.toString(status.getRaftTerm()),
                        Long.toString(status.getRaftIndex()),
                        Long.toString(status.getRaftAppliedIndex()),
                        Long.toString(status.getHeader().getRevision()),
                        String.join(", ", status.getErrorsList())));
            }
        }
        PrintWriter out = Commands.out(spec);
        out.print(table.render());
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /** Sizes as etcdctl prints them (go-humanize's SI units): 512 B, 25 kB, 1.2 MB. */
    static String humanBytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        String number =
                value < 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value);
        return number + " " + units[unit];
    }
}
