package io.capstan.controllers.deployment;

import io.capstan.controllers.common.ControllerRef;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentStrategy;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.PodTemplateSpec;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.List;

/**
 * The ReplicaSet a deployment creates for its current template, as Kubernetes' getNewReplicaSet:
 * named {@code <deployment>-<hash>} so that creating it twice fails instead of duplicating; the
 * hash added to its labels, its template's labels and its selector, so that it selects only its
 * own pods; controlled by the deployment; revision one above the highest old one; and as many
 * replicas as the strategy allows at once.
 */
final class NewReplicaSets {
    static final String API_VERSION = "apps/v1";
    static final String KIND = "Deployment";

    private NewReplicaSets() {}

    /** The hash of the deployment's template, salted by its collision count. */
    static String hash(Deployment deployment) {
        Integer collisionCount = deployment.getStatus().hasCollisionCount()
                ? deployment.getStatus().getCollisionCount()
                : null;
        return TemplateHash.of(deployment.getSpec().getTemplate(), collisionCount);
    }

    static String name(Deployment deployment) {
        return deployment.getMetadata().getName() + "-" + hash(deployment);
    }

    /** The ReplicaSet to create, given the deployment's other ReplicaSets. */
    static ReplicaSet build(Deployment deployment, List<ReplicaSet> old) {
        String hash = hash(deployment);
        PodTemplateSpec.Builder template = deployment.getSpec().getTemplate().toBuilder();
        template.getMetadataBuilder().putLabels(TemplateHash.LABEL, hash);
        LabelSelector selector = deployment.getSpec().getSelector().toBuilder()
                .putMatchLabels(TemplateHash.LABEL, hash)
                .build();
        ReplicaSet.Builder builder = ReplicaSet.newBuilder();
        builder.getMetadataBuilder()
                .setName(deployment.getMetadata().getName() + "-" + hash)
                .setNamespace(deployment.getMetadata().getNamespace())
                .addOwnerReferences(ControllerRef.to(API_VERSION, KIND, deployment.getMetadata()))
                .putAllLabels(template.getMetadata().getLabelsMap());
        builder.getSpecBuilder()
                .setReplicas(0)
                .setMinReadySeconds(deployment.getSpec().getMinReadySeconds())
                .setSelector(selector)
                .setTemplate(template);
        ReplicaSet draft = builder.build();
        int replicas = deployment.getSpec().getStrategy().getType() == DeploymentStrategy.Type.TYPE_RECREATE
                ? Replicas.of(deployment)
                : RollingUpdate.newReplicas(deployment, ReplicaCounts.all(draft, old), draft);
        ReplicaSet sized = RollingUpdate.withReplicas(draft, replicas);
        return Revisions.withNewReplicaSetAnnotations(
                deployment,
                sized,
                Revisions.max(old) + 1,
                false,
                Fenceposts.of(deployment).maxSurge());
    }

    /**
     * The existing new ReplicaSet as it should be: the deployment's annotations copied, a revision
     * above every old one (a ReplicaSet brought back by a rollback takes a new number), and the
     * deployment's minReadySeconds. Returns {@code existing} itself when nothing changes.
     */
    static ReplicaSet synced(Deployment deployment, ReplicaSet existing, List<ReplicaSet> old) {
        ReplicaSet annotated = Revisions.withNewReplicaSetAnnotations(
                deployment,
                existing,
                Revisions.max(old) + 1,
                true,
                Fenceposts.of(deployment).maxSurge());
        int minReadySeconds = deployment.getSpec().getMinReadySeconds();
        if (annotated.getSpec().getMinReadySeconds() == minReadySeconds) {
            return annotated;
        }
        ReplicaSet.Builder builder = annotated.toBuilder();
        builder.getSpecBuilder().setMinReadySeconds(minReadySeconds);
        return builder.build();
    }
}
