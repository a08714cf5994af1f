package io.capstan.controllers.deployment;

import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.Optional;

/** {@link DeploymentApi} over an {@link ObjectClient}. */
final class ClientDeploymentApi implements DeploymentApi {
    private final ObjectClient client;

    ClientDeploymentApi(ObjectClient client) {
        this.client = client;
    }

    @Override
    public ReplicaSet createReplicaSet(ReplicaSet replicaSet) {
        return client.replicaSets().create(replicaSet);
    }

    @Override
    public ReplicaSet updateReplicaSet(ReplicaSet replicaSet) {
        return client.replicaSets().update(replicaSet);
    }

    @Override
    public void deleteReplicaSet(ReplicaSet replicaSet) {
        client.replicaSets()
                .delete(
                        replicaSet.getMetadata().getNamespace(),
                        replicaSet.getMetadata().getName(),
                        DeleteOptions.defaults()
                                .withPreconditions(
                                        replicaSet.getMetadata().getUid(),
                                        replicaSet.getMetadata().getResourceVersion()));
    }

    @Override
    public Optional<Deployment> getDeployment(String namespace, String name) {
        try {
            return Optional.of(client.deployments().get(namespace, name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Deployment updateDeployment(Deployment deployment) {
        return client.deployments().update(deployment);
    }

    @Override
    public Deployment updateStatus(Deployment deployment) {
        return client.deployments().updateStatus(deployment);
    }
}
