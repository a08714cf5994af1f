package io.capstan.cli.store;

import io.capstan.proto.etcd.DefragmentRequest;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan store defrag}: Maintenance.Defragment on every endpoint, one after another. */
@Command(
        name = "defrag",
        mixinStandardHelpOptions = true,
        description = {
            "Defragments every endpoint's member in turn. Capstan's store keeps its state in memory and frees"
                    + " space as it compacts, so its members answer at once; the verb is here for etcd endpoints"
                    + " and scripts written for etcdctl. Exits 1 if an endpoint fails."
        })
final class DefragCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() {
        StoreCommand store = Commands.require(parent);
        PrintWriter out = Commands.out(spec);
        PrintWriter err = Commands.err(spec);
        int failed = 0;
        try (StoreConnection connection = store.connect()) {
            for (String address : connection.endpoints()) {
                try {
                    connection.endpoint(address).maintenance().defragment(DefragmentRequest.getDefaultInstance());
                    out.println("Finished defragmenting store member[" + address + "]");
                } catch (StatusRuntimeException e) {
                    err.println("error: defragmenting store member[" + address + "]: " + StoreConnection.describe(e));
                    failed++;
                }
            }
        }
        out.flush();
        err.flush();
        return failed == 0 ? 0 : 1;
    }
}
