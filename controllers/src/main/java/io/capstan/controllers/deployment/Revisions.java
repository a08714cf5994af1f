package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The annotations by which a deployment numbers its templates and tells its ReplicaSets the size
 * they were scaled for, with Kubernetes' names and rules.
 *
 * <p>Revisions: each new ReplicaSet gets the highest revision among the old ones plus one; the
 * deployment carries its new ReplicaSet's revision. A ReplicaSet that becomes new again (a
 * rollback) takes a fresh revision, and its previous revisions are listed in {@value
 * #REVISION_HISTORY}, oldest first: rolled back from revision 5 to the template of revision 2, that
 * ReplicaSet becomes revision 6 with history "2".
 */
public final class Revisions {
    public static final String REVISION = "deployment.kubernetes.io/revision";
    public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    /** spec.replicas of the deployment when it last scaled this ReplicaSet. */
    public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    /** spec.replicas + maxSurge of the deployment when it last scaled this ReplicaSet. */
    public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    /** Asks the controller to roll back to a revision ("0": the previous one); it removes it. */
    public static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";

    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** Longest revision history annotation kept, in characters. */
    static final int MAX_HISTORY_CHARS = 2000;

    /** Annotations that stay with each object instead of moving between deployment and RS. */
    private static final Set<String> NOT_COPIED =
            Set.of(LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO);

    private Revisions() {}

    /** The ReplicaSet's revision; 0 when it has none or it is not a number. */
    public static long of(ReplicaSet rs) {
        return parse(rs.getMetadata().getAnnotationsMap().get(REVISION));
    }

    /** The highest revision; 0 for none. */
    static long max(Collection<ReplicaSet> replicaSets) {
        long max = 0;
        for (ReplicaSet rs : replicaSets) {
            max = Math.max(max, of(rs));
        }
        return max;
    }

    /** The second-highest revision: what "undo" goes back to; 0 when there is none. */
    static long previous(Collection<ReplicaSet> replicaSets) {
        long max = 0;
        long second = 0;
        for (ReplicaSet rs : replicaSets) {
            long v = of(rs);
            if (v >= max) {
                second = max;
                max = v;
            } else if (v > second) {
                second = v;
            }
        }
        return second;
    }

    /**
     * The new ReplicaSet with the annotations it should carry: the deployment's own annotations
     * (except those that stay put), {@code newRevision} if it is higher than the one it has (moving
     * the old number into the history), and, for one about to be created, the replica
     * annotations. Returns {@code rs} itself when nothing changes.
     */
    static ReplicaSet withNewReplicaSetAnnotations(
            Deployment deployment, ReplicaSet rs, long newRevision, boolean exists, int maxSurge) {
        ObjectMeta meta = rs.getMetadata();
        ObjectMeta.Builder builder = meta.toBuilder();
        for (Map.Entry<String, String> entry :
                deployment.getMetadata().getAnnotationsMap().entrySet()) {
            if (!NOT_COPIED.contains(entry.getKey())) {
                builder.putAnnotations(entry.getKey(), entry.getValue());
            }
        }
        String oldText = meta.getAnnotationsMap().get(REVISION);
        long oldRevision = 0;
        if (oldText != null) {
            try {
                oldRevision = Long.parseLong(oldText);
            } catch (NumberFormatException e) {
                // Kubernetes leaves a ReplicaSet with an unreadable revision as it is.
                return rs;
            }
        }
        if (oldRevision < newRevision) {
            builder.putAnnotations(REVISION, Long.toString(newRevision));
            if (oldText != null) {
                String history = meta.getAnnotationsMap().getOrDefault(REVISION_HISTORY, "");
                appendHistory(history, oldText).ifPresent(h -> builder.putAnnotations(REVISION_HISTORY, h));
            }
        }
        if (!exists) {
            int replicas = Replicas.of(deployment);
            builder.putAnnotations(DESIRED_REPLICAS, Integer.toString(replicas));
            builder.putAnnotations(MAX_REPLICAS, Integer.toString(replicas + maxSurge));
        }
        ObjectMeta updated = builder.build();
        return updated.equals(meta) ? rs : rs.toBuilder().setMetadata(updated).build();
    }

    /** {@code history} with {@code revision} appended, dropping the oldest to fit; empty if none fits. */
    private static Optional<String> appendHistory(String history, String revision) {
        if (history.isEmpty()) {
            return Optional.of(revision);
        }
        List<String> revisions = new ArrayList<>(Arrays.asList(history.split(",", -1)));
        int total = history.length() + revision.length() + 1;
        int start = 0;
        while (total > MAX_HISTORY_CHARS && start < revisions.size()) {
            total -= revisions.get(start).length() + 1;
            start++;
        }
        if (total > MAX_HISTORY_CHARS) {
            return Optional.empty();
        }
        List<String> kept = new ArrayList<>(revisions.subList(start, revisions.size()));
        kept.add(revision);
        return Optional.of(String.join(",", kept));
    }

    /** Whether the replica annotations differ from {@code desired} and {@code max}. */
    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        Map<String, String> annotations = rs.getMetadata().getAnnotationsMap();
        return !Integer.toString(desired).equals(annotations.get(DESIRED_REPLICAS))
                || !Integer.toString(max).equals(annotations.get(MAX_REPLICAS));
    }

    /** {@code rs} with the replica annotations set to {@code desired} and {@code max}. */
    static ReplicaSet withReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        if (!replicasAnnotationsNeedUpdate(rs, desired, max)) {
            return rs;
        }
        ReplicaSet.Builder builder = rs.toBuilder();
        builder.getMetadataBuilder()
                .putAnnotations(DESIRED_REPLICAS, Integer.toString(desired))
                .putAnnotations(MAX_REPLICAS, Integer.toString(max));
        return builder.build();
    }

    /** The {@value #DESIRED_REPLICAS} annotation, if present and a number. */
    static OptionalInt desiredReplicas(ReplicaSet rs) {
        return intAnnotation(rs, DESIRED_REPLICAS);
    }

    /** The {@value #MAX_REPLICAS} annotation, if present and a number. */
    static OptionalInt maxReplicas(ReplicaSet rs) {
        return intAnnotation(rs, MAX_REPLICAS);
    }

    /**
     * {@code deployment} with its revision annotation set to {@code revision}; itself when it
     * already has it.
     */
    static Deployment withRevision(Deployment deployment, String revision) {
        if (revision.equals(deployment.getMetadata().getAnnotationsMap().get(REVISION))) {
            return deployment;
        }
        Deployment.Builder builder = deployment.toBuilder();
        builder.getMetadataBuilder().putAnnotations(REVISION, revision);
        return builder.build();
    }

    /**
     * The deployment's annotations after a rollback to {@code target}: those that stay with the
     * deployment, plus the target's others (its change-cause, say), as Kubernetes'
     * SetDeploymentAnnotationsTo.
     */
    static Map<String, String> annotationsAfterRollback(Deployment deployment, ReplicaSet target) {
        Map<String, String> annotations = new TreeMap<>();
        for (Map.Entry<String, String> entry :
                deployment.getMetadata().getAnnotationsMap().entrySet()) {
            if (NOT_COPIED.contains(entry.getKey())) {
                annotations.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, String> entry :
                target.getMetadata().getAnnotationsMap().entrySet()) {
            if (!NOT_COPIED.contains(entry.getKey())) {
                annotations.put(entry.getKey(), entry.getValue());
            }
        }
        return annotations;
    }

    private static OptionalInt intAnnotation(ReplicaSet rs, String key) {
        String value = rs.getMetadata().getAnnotationsMap().get(key);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static long parse(@Nullable String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
