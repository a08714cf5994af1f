package io.capstan.cli;

import io.capstan.cli.output.Table;
import io.capstan.client.ObjectClient;
import io.capstan.controllers.deployment.Revisions;
import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capstan rollout history deployment/web}: the revisions of a deployment, from the revision
 * annotation of its ReplicaSets, with their change-cause annotation; {@code --revision N} shows
 * the pod template of one.
 */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "List the revisions of a deployment, or show one with --revision.")
final class RolloutHistoryCommand extends RolloutVerbCommand {
    static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

    @Option(names = "--revision", paramLabel = "N", description = "Show the pod template of revision N.")
    long revision;

    @Override
    public Integer call() {
        Capstan capstan = RolloutCommand.capstan(rollout);
        PrintWriter out = Verbs.out(spec);
        ObjectRef ref = Rollouts.deployment(args, "history");
        try (ObjectClient client = capstan.connect(global)) {
            Deployment deployment = Rollouts.get(client, namespace.namespace(), ref.name());
            Map<Long, ReplicaSet> revisions = revisions(Rollouts.owned(client, deployment));
            if (revision != 0) {
                ReplicaSet rs = revisions.get(revision);
                if (rs == null) {
                    throw new CommandException("unable to find the specified revision " + revision + " of "
                            + ref.type().ref(ref.name()));
                }
                out.print(describe(ref.type().ref(ref.name()), revision, rs));
                return Capstan.OK;
            }
            out.println(ref.type().ref(ref.name()));
            out.print(table(revisions));
            return Capstan.OK;
        }
    }

    /** The ReplicaSets with a revision, by revision. */
    static Map<Long, ReplicaSet> revisions(List<ReplicaSet> owned) {
        Map<Long, ReplicaSet> byRevision = new TreeMap<>(Comparator.naturalOrder());
        for (ReplicaSet rs : owned) {
            long number = Revisions.of(rs);
            if (number > 0) {
                byRevision.put(number, rs);
            }
        }
        return byRevision;
    }

    /** {@code REVISION  CHANGE-CAUSE} rows, oldest first. */
    static String table(Map<Long, ReplicaSet> revisions) {
        Table table = new Table().add(List.of("REVISION", "CHANGE-CAUSE"));
        revisions.forEach((number, rs) -> table.add(List.of(
                String.valueOf(number), rs.getMetadata().getAnnotationsMap().getOrDefault(CHANGE_CAUSE, "<none>"))));
        return table.render();
    }

    private static String describe(String ref, long revision, ReplicaSet rs) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        StringBuilder text = new StringBuilder();
        text.append(ref).append(" with revision #").append(revision).append('\n');
        text.append("Pod Template:\n");
        text.append("  Labels:       ")
                .append(pairs(template.getMetadata().getLabelsMap()))
                .append('\n');
        String cause = rs.getMetadata().getAnnotationsMap().get(CHANGE_CAUSE);
        if (cause != null) {
            text.append("  Annotations:  ")
                    .append(CHANGE_CAUSE)
                    .append(": ")
                    .append(cause)
                    .append('\n');
        }
        text.append("  Containers:\n");
        for (Container container : template.getSpec().getContainersList()) {
            text.append("   ").append(container.getName()).append(":\n");
            text.append("    Image:  ").append(container.getImage()).append('\n');
        }
        return text.toString();
    }

    private static String pairs(Map<String, String> labels) {
        List<String> pairs = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> pairs.add(k + "=" + v));
        return pairs.isEmpty() ? "<none>" : String.join(",", pairs);
    }
}
