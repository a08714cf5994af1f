package io.capstan.controllers.replicaset;

import io.capstan.controllers.common.ControllerRef;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;

/** The pod a ReplicaSet creates for a missing replica, as Kubernetes' GetPodFromTemplate. */
final class PodTemplates {
    static final String API_VERSION = "apps/v1";
    static final String KIND = "ReplicaSet";

    private PodTemplates() {}

    /**
     * A pod from the template: its labels, annotations and finalizers, its spec, in the
     * ReplicaSet's namespace, named by the server from {@code <rs-name>-}, controlled by the
     * ReplicaSet.
     */
    static Pod newPod(ReplicaSet rs) {
        ObjectMeta template = rs.getSpec().getTemplate().getMetadata();
        ObjectMeta meta = ObjectMeta.newBuilder()
                .setNamespace(rs.getMetadata().getNamespace())
                .setGenerateName(rs.getMetadata().getName() + "-")
                .putAllLabels(template.getLabelsMap())
                .putAllAnnotations(template.getAnnotationsMap())
                .addAllFinalizers(template.getFinalizersList())
                .addOwnerReferences(ControllerRef.to(API_VERSION, KIND, rs.getMetadata()))
                .build();
        return Pod.newBuilder()
                .setMetadata(meta)
                .setSpec(rs.getSpec().getTemplate().getSpec())
                .build();
    }
}
