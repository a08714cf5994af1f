package io.capstan.controllers.replicaset;

import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.Optional;

/**
 * The calls the ReplicaSet controller makes to the API. Each throws the client's {@link
 * io.capstan.client.ApiException} subclasses (NotFound, Conflict, ...) as {@link
 * io.capstan.client.ObjectClient} does. Implementations are thread-safe.
 */
interface ReplicaSetApi {
    Pod createPod(Pod pod);

    /** Deletes the pod, if it is still the same object (uid). */
    void deletePod(Pod pod);

    /** Replaces the pod's metadata and spec, guarded by its resourceVersion. */
    Pod updatePod(Pod pod);

    /** A fresh read, not from a cache. */
    Optional<ReplicaSet> getReplicaSet(String namespace, String name);

    /** Writes the status, guarded by the resourceVersion. */
    ReplicaSet updateStatus(ReplicaSet replicaSet);
}
