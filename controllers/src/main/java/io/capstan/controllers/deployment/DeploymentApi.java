package io.capstan.controllers.deployment;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.Optional;

/**
 * The calls the Deployment controller makes to the API. Each throws the client's {@link
 * io.capstan.client.ApiException} subclasses as {@link io.capstan.client.ObjectClient} does; every
 * write of an existing object is guarded by its resourceVersion. Implementations are thread-safe.
 */
interface DeploymentApi {
    ReplicaSet createReplicaSet(ReplicaSet replicaSet);

    ReplicaSet updateReplicaSet(ReplicaSet replicaSet);

    /** Deletes the ReplicaSet if it is still the same object (uid) at the same resourceVersion. */
    void deleteReplicaSet(ReplicaSet replicaSet);

    /** A fresh read, not from a cache. */
    Optional<Deployment> getDeployment(String namespace, String name);

    /** Writes metadata and spec (not status). */
    Deployment updateDeployment(Deployment deployment);

    /** Writes status only. */
    Deployment updateStatus(Deployment deployment);
}
