package io.capstan.bench;

import io.capstan.proto.api.v1.Container;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.DeploymentSpec;
import io.capstan.proto.api.v1.LabelSelector;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.PodSpec;
import io.capstan.proto.api.v1.PodTemplateSpec;

/** The objects of the density scenarios. */
final class DensityObjects {
    /** The fake runtime runs any image without pulling it; the name only says what it stands for. */
    static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.9";

    /** The local image of the Docker scenario (deploy/images/busybox-test-image.sh); never pulled. */
    static final String BUSYBOX_IMAGE = "capstan/busybox:test";

    private DensityObjects() {}

    /**
     * The density test's pod: one pause container, no ports, no probes, no requests (the scheduler
     * counts its defaults, 100m and 200Mi).
     */
    static PodSpec pausePod(String image) {
        return PodSpec.newBuilder()
                .addContainers(Container.newBuilder().setName("pause").setImage(image))
                .build();
    }

    /**
     * A pod of one container that sleeps, from a local image that is never pulled (imagePullPolicy
     * Never), stopped with a grace of 1 s (busybox's sleep as PID 1 ignores SIGTERM).
     */
    static PodSpec sleepPod(String image) {
        return PodSpec.newBuilder()
                .setTerminationGracePeriodSeconds(1)
                .addContainers(Container.newBuilder()
                        .setName("sleep")
                        .setImage(image)
                        .setImagePullPolicy(Container.PullPolicy.PULL_POLICY_NEVER)
                        .addCommand("sleep")
                        .addArgs("3600"))
                .build();
    }

    /** A Deployment of {@code replicas} pods of {@code pod}. */
    static Deployment deployment(String namespace, String name, int replicas, PodSpec pod) {
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
                                .setSpec(pod)))
                .build();
    }
}
