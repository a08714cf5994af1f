package io.capstan.cli.store;

import com.google.protobuf.ByteString;
import io.capstan.cli.CommandException;
import io.capstan.proto.etcd.CompactionRequest;
import io.capstan.proto.etcd.RangeRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan store compact [REV]}: drops the history before a revision. */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description = {
            "Compacts the store's history up to REV (default: the current revision): reads and watches"
                    + " at older revisions fail afterwards."
        })
final class CompactCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REV", description = "Compact up to this revision.")
    @Nullable
    Long revision;

    @Option(names = "--physical", description = "Return only once the compaction has been applied.")
    boolean physical;

    @Override
    public Integer call() {
        StoreCommand store = Commands.require(parent);
        Long asked = revision;
        if (asked != null && asked <= 0) {
            throw new CommandException("REV: must be > 0, got " + asked);
        }
        long target;
        try (StoreConnection connection = store.connect()) {
            target = asked != null
                    ? asked
                    : connection.call(endpoint -> endpoint.kv()
                            .range(RangeRequest.newBuilder()
                                    .setKey(ByteString.copyFrom(new byte[] {0}))
                                    .setCountOnly(true)
                                    .build())
                            .getHeader()
                            .getRevision());
            connection.call(endpoint -> endpoint.kv()
                    .compact(CompactionRequest.newBuilder()
                            .setRevision(target)
                            .setPhysical(physical)
                            .build()));
        }
        PrintWriter out = Commands.out(spec);
        out.println("compacted revision " + target);
        out.flush();
        return 0;
    }
}
