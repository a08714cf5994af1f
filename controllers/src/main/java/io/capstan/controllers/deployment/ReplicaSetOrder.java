package io.capstan.controllers.deployment;

import com.google.protobuf.Timestamp;
import io.capstan.controllers.common.Replicas;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.Comparator;

/** The orders Kubernetes' deployment controller sorts ReplicaSets in. */
final class ReplicaSetOrder {
    private static final Comparator<Timestamp> TIME =
            Comparator.comparingLong(Timestamp::getSeconds).thenComparingInt(Timestamp::getNanos);

    /** Oldest first, then by name (ReplicaSetsByCreationTimestamp). */
    static final Comparator<ReplicaSet> BY_CREATION = Comparator.comparing(
                    (ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp(), TIME)
            .thenComparing(rs -> rs.getMetadata().getName());

    /** Lowest revision first, then oldest (ReplicaSetsByRevision). */
    static final Comparator<ReplicaSet> BY_REVISION =
            Comparator.comparingLong(Revisions::of).thenComparing(BY_CREATION);

    /** Largest first; of equal size, newest first: where added replicas go first. */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER_FIRST = Comparator.comparingInt(
                    (ReplicaSet rs) -> Replicas.of(rs))
            .reversed()
            .thenComparing(BY_CREATION.reversed());

    /** Largest first; of equal size, oldest first: where removed replicas come from first. */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER_FIRST = Comparator.comparingInt(
                    (ReplicaSet rs) -> Replicas.of(rs))
            .reversed()
            .thenComparing(BY_CREATION);

    private ReplicaSetOrder() {}
}
