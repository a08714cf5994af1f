package io.capstan.bench;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodTemplateSpec;

/** The objects of the density scenario. */
final class DensityObjects {
    /** The fake runtime runs any image without pulling it; the name only says what it stands for. */
    static final String IMAGE = "registry.k8s.io/pause:3.9";

    private DensityObjects() {}

    /**
     * A Deployment of {@code replicas} pause pods, like the density test's: one container, no
     * ports, no probes, no requests (the scheduler counts its defaults, 100m and 200Mi).
     */
    static Deployment deployment(String namespace, String name, int replicas) {
        return Deployment.newBuilder()
                .setMetadata(ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(name)
                        .putLabels("bench.capstan.io/run", namespace))
                .setSpec(DeploymentSpec.newBuilder()
                        .setReplicas(replicas)
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", name))
                        .setTemplate(PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .putLabels("app", name)
                                        .putLabels("bench.capstan.io/run", namespace))
                                .setSpec(PodSpec.newBuilder()
                                        .addContainers(Container.newBuilder()
                                                .setName("pause")
                                                .setImage(IMAGE)))))
                .build();
    }
}
