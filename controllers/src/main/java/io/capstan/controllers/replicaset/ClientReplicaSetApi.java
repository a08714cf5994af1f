package io.capstan.controllers.replicaset;

import io.capstan.client.DeleteOptions;
import io.capstan.client.NotFoundException;
import io.capstan.client.ObjectClient;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.Optional;

/** {@link ReplicaSetApi} over an {@link ObjectClient}. */
final class ClientReplicaSetApi implements ReplicaSetApi {
    private final ObjectClient client;

    ClientReplicaSetApi(ObjectClient client) {
        this.client = client;
    }

    @Override
    public Pod createPod(Pod pod) {
        return client.pods().create(pod);
    }

    @Override
    public void deletePod(Pod pod) {
        client.pods()
                .delete(
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        DeleteOptions.defaults()
                                .withPreconditions(pod.getMetadata().getUid(), ""));
    }

    @Override
    public Pod updatePod(Pod pod) {
        return client.pods().update(pod);
    }

    @Override
    public Optional<ReplicaSet> getReplicaSet(String namespace, String name) {
        try {
            return Optional.of(client.replicaSets().get(namespace, name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public ReplicaSet updateStatus(ReplicaSet replicaSet) {
        return client.replicaSets().updateStatus(replicaSet);
    }
}
