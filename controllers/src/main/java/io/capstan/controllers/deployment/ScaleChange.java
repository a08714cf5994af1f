package io.capstan.controllers.deployment;

import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.ReplicaSet;

/**
 * A decision to set {@code replicaSet}'s spec.replicas to {@code replicas}. Applying it also brings
 * the ReplicaSet's {@value Revisions#DESIRED_REPLICAS} and {@value Revisions#MAX_REPLICAS}
 * annotations up to date, which may be the only change when the size is already right.
 */
public record ScaleChange(ReplicaSet replicaSet, int replicas) {
    public ScaleChange {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas: must be >= 0, got " + replicas);
        }
    }

    public String name() {
        return replicaSet.getMetadata().getName();
    }

    /** The size before the change. */
    public int from() {
        return Replicas.of(replicaSet);
    }

    public boolean resizes() {
        return from() != replicas;
    }

    @Override
    public String toString() {
        return name() + " " + from() + "->" + replicas;
    }
}
