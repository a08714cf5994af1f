package io.capstan.controllers.deployment;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Which ReplicaSet carries a deployment's current template (Kubernetes' FindNewReplicaSet). */
public final class TemplateMatch {
    private TemplateMatch() {}

    /** {@code template} without the {@value TemplateHash#LABEL} label. */
    public static PodTemplateSpec withoutHash(PodTemplateSpec template) {
        if (!template.getMetadata().containsLabels(TemplateHash.LABEL)) {
            return template;
        }
        PodTemplateSpec.Builder builder = template.toBuilder();
        builder.getMetadataBuilder().removeLabels(TemplateHash.LABEL);
        return builder.build();
    }

    /** Equal but for the {@value TemplateHash#LABEL} label (Kubernetes' EqualIgnoreHash). */
    public static boolean equalIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) {
        return withoutHash(a).equals(withoutHash(b));
    }

    /** The oldest of {@code owned} whose template is the deployment's, if any. */
    static Optional<ReplicaSet> findNew(Deployment deployment, List<ReplicaSet> owned) {
        List<ReplicaSet> sorted = new ArrayList<>(owned);
        sorted.sort(ReplicaSetOrder.BY_CREATION);
        for (ReplicaSet rs : sorted) {
            if (equalIgnoringHash(
                    rs.getSpec().getTemplate(), deployment.getSpec().getTemplate())) {
                return Optional.of(rs);
            }
        }
        return Optional.empty();
    }

    /** All of {@code owned} but {@code newRs}, whatever their size. */
    static List<ReplicaSet> old(List<ReplicaSet> owned, @Nullable ReplicaSet newRs) {
        List<ReplicaSet> old = new ArrayList<>();
        for (ReplicaSet rs : owned) {
            if (newRs == null
                    || !rs.getMetadata().getUid().equals(newRs.getMetadata().getUid())) {
                old.add(rs);
            }
        }
        return old;
    }
}
