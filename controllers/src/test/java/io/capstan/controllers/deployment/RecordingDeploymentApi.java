package io.capstan.controllers.deployment;

import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records the calls the controller makes, as {@code "updateReplicaSet web-1 replicas=3"}, and
 * answers as a server would: each write bumps the resourceVersion.
 */
final class RecordingDeploymentApi implements DeploymentApi {
    final List<String> calls = new ArrayList<>();
    final List<ReplicaSet> replicaSetWrites = new ArrayList<>();
    final List<Deployment> deploymentWrites = new ArrayList<>();
    private int version = 100;

    private String nextVersion() {
        return Integer.toString(++version);
    }

    @Override
    public synchronized ReplicaSet createReplicaSet(ReplicaSet replicaSet) {
        calls.add("createReplicaSet " + replicaSet.getMetadata().getName() + " replicas="
                + replicaSet.getSpec().getReplicas());
        ReplicaSet.Builder created = replicaSet.toBuilder();
        created.getMetadataBuilder()
                .setUid("uid-" + replicaSet.getMetadata().getName())
                .setResourceVersion(nextVersion())
                .setGeneration(1);
        replicaSetWrites.add(created.build());
        return created.build();
    }

    @Override
    public synchronized ReplicaSet updateReplicaSet(ReplicaSet replicaSet) {
        calls.add("updateReplicaSet " + replicaSet.getMetadata().getName() + " replicas="
                + replicaSet.getSpec().getReplicas());
        ReplicaSet.Builder written = replicaSet.toBuilder();
        written.getMetadataBuilder().setResourceVersion(nextVersion());
        replicaSetWrites.add(written.build());
        return written.build();
    }

    @Override
    public synchronized void deleteReplicaSet(ReplicaSet replicaSet) {
        calls.add("deleteReplicaSet " + replicaSet.getMetadata().getName());
    }

    @Override
    public synchronized Optional<Deployment> getDeployment(String namespace, String name) {
        calls.add("getDeployment " + name);
        return Optional.empty();
    }

    @Override
    public synchronized Deployment updateDeployment(Deployment deployment) {
        calls.add("updateDeployment " + deployment.getMetadata().getName());
        return written(deployment);
    }

    @Override
    public synchronized Deployment updateStatus(Deployment deployment) {
        calls.add("updateStatus " + deployment.getMetadata().getName());
        return written(deployment);
    }

    private Deployment written(Deployment deployment) {
        Deployment.Builder written = deployment.toBuilder();
        written.getMetadataBuilder().setResourceVersion(nextVersion());
        deploymentWrites.add(written.build());
        return written.build();
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized Deployment lastDeploymentWrite() {
        return deploymentWrites.get(deploymentWrites.size() - 1);
    }
}
