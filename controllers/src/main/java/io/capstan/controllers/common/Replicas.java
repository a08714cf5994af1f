package io.capstan.controllers.common;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;

/** The desired replica count of a workload, with the API's default of 1 for an unset field. */
public final class Replicas {
    private Replicas() {}

    public static int of(ReplicaSet replicaSet) {
        return replicaSet.getSpec().hasReplicas() ? replicaSet.getSpec().getReplicas() : 1;
    }

    public static int of(Deployment deployment) {
        return deployment.getSpec().hasReplicas() ? deployment.getSpec().getReplicas() : 1;
    }
}
