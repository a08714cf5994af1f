package io.capstan.cli.store;

import io.capstan.cli.output.Table;
import io.capstan.proto.etcd.Member;
import io.capstan.proto.etcd.MemberListRequest;
import io.capstan.proto.etcd.MemberListResponse;
import io.capstan.proto.etcd.StatusRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code capstan store members}: the store's members as one endpoint knows them. */
@Command(
        name = "members",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the store's members (as 'etcdctl member list -w table'), marking the leader."
                    + " A member that has not started yet has no name or client URLs."
        })
final class MembersCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    StoreCommand parent;

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() {
        StoreCommand store = Commands.require(parent);
        MemberListResponse members;
        long leader;
        try (StoreConnection connection = store.connect()) {
            members =
                    connection.call(endpoint -> endpoint.cluster().memberList(MemberListRequest.getDefaultInstance()));
            leader = connection.call(endpoint -> endpoint.maintenance()
                    .status(StatusRequest.getDefaultInstance())
                    .getLeader());
        }
        Table table = new Table()
                .add(List.of("ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEADER", "IS LEARNER"));
        for (Member member : members.getMembersList()) {
            table.add(List.of(
                    Long.toHexString(member.getID()),
                    member.getName().isEmpty() ? "unstarted" : "started",
                    member.getName(),
                    String.join(",", member.getPeerURLsList()),
                    String.join(",", member.getClientURLsList()),
                    Boolean.toString(leader != 0 && member.getID() == leader),
                    Boolean.toString(member.getIsLearner())));
        }
        PrintWriter out = Commands.out(spec);
        out.print(table.render());
        out.flush();
        return 0;
    }
}
