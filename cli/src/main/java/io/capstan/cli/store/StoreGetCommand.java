package io.capstan.cli.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.capstan.cli.CommandException;
import io.capstan.proto.etcd.RangeRequest;
import io.capstan.proto.etcd.RangeResponse;
import io.capstan.proto.etcd.mvcc.KeyValue;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan store get [--prefix] KEY}: keys and their values, objects decoded. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a key, or every key under a prefix, with its create and mod revisions, version and value."
                    + " Values under /registry/ are printed as the objects they hold."
        })
final class StoreGetCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, or with --prefix the key prefix.")
    String key = "";

    @Option(names = "--prefix", description = "Every key starting with KEY.")
    boolean prefix;

    @Option(names = "--limit", paramLabel = "N", description = "At most N keys (default: all).")
    long limit;

    @Option(names = "--rev", paramLabel = "REV", description = "Read at this revision (default: the newest).")
    long revision;

    @Option(names = "--keys-only", description = "Keys and revisions, no values.")
    boolean keysOnly;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "yaml",
            description = "yaml (default), json, or raw (etcdctl's key and value lines).")
    String output = "yaml";

    @Override
    public Integer call() {
        StoreCommand store = Commands.require(parent);
        ValueFormat format = ValueFormat.parse(output);
        if (key.isEmpty()) {
            throw new CommandException("KEY: required (use --prefix / for every key)");
        }
        if (limit < 0) {
            throw new CommandException("--limit: must be >= 0, got " + limit);
        }
        if (revision < 0) {
            throw new CommandException("--rev: must be >= 0, got " + revision);
        }
        ByteString start = ByteString.copyFromUtf8(key);
        RangeRequest.Builder request = RangeRequest.newBuilder()
                .setKey(start)
                .setLimit(limit)
                .setRevision(revision)
                .setKeysOnly(keysOnly);
        if (prefix) {
            request.setRangeEnd(Commands.prefixEnd(start));
        }
        RangeResponse response;
        try (StoreConnection connection = store.connect()) {
            response = connection.call(endpoint -> endpoint.kv().range(request.build()));
        } catch (CommandException e) {
            throw explain(e);
        }
        PrintWriter out = Commands.out(spec);
        switch (format) {
            case YAML -> {
                List<String> documents = new ArrayList<>();
                for (KeyValue kv : response.getKvsList()) {
                    documents.add(StoredValues.yaml(StoredValues.tree(kv, true)));
                }
                out.print(String.join("---\n", documents));
            }
            case JSON -> {
                ObjectNode list = JsonNodeFactory.instance.objectNode();
                list.put("revision", response.getHeader().getRevision());
                list.put("count", response.getCount());
                list.put("more", response.getMore());
                ArrayNode kvs = list.putArray("kvs");
                for (KeyValue kv : response.getKvsList()) {
                    kvs.add(StoredValues.tree(kv, true));
                }
                out.print(StoredValues.json(list));
            }
            case RAW -> {
                for (KeyValue kv : response.getKvsList()) {
                    out.println(StoredValues.raw(kv.getKey()));
                    if (!keysOnly) {
                        out.println(StoredValues.raw(kv.getValue()));
                    }
                }
            }
        }
        out.flush();
        PrintWriter err = Commands.err(spec);
        if (response.getKvsCount() == 0) {
            err.println("no keys " + (prefix ? "under " : "named ") + key + " at revision "
                    + (revision > 0 ? revision : response.getHeader().getRevision()));
        } else if (response.getMore()) {
            err.println(response.getKvsCount() + " of " + response.getCount() + " keys shown (--limit " + limit + ")");
        }
        return 0;
    }

    /** etcd's compaction and future-revision errors, said with the revision asked for. */
    private CommandException explain(CommandException e) {
        if (e.getCause() instanceof StatusRuntimeException status
                && status.getStatus().getCode() == Status.Code.OUT_OF_RANGE) {
            String description = String.valueOf(status.getStatus().getDescription());
            if (description.contains("compacted")) {
                return new CommandException("revision " + revision + " has been compacted: the store keeps no history"
                        + " before its last compaction; read at a later --rev, or without --rev for the newest ("
                        + description + ")");
            }
            if (description.contains("future")) {
                return new CommandException(
                        "revision " + revision + " is newer than the store's newest (" + description + ")");
            }
        }
        return e;
    }
}
