package io.capstan.controllers.common;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ListOptions;
import io.capstan.client.ObjectClient;
import io.capstan.client.controller.Controller;
import io.capstan.client.events.ApiEventRecorder;
import io.capstan.client.informer.Informer;
import io.capstan.controllers.deployment.DeploymentController;
import io.capstan.controllers.replicaset.ReplicaSetController;
import io.capstan.proto.api.v1.Deployment;
import io.capstan.proto.api.v1.Namespace;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process three-node control plane with the ReplicaSet and Deployment controllers running
 * on informers over it, and a {@link FakeKubelet} that makes pods ready. Each test works in a
 * namespace of its own ({@link #newNamespace}).
 */
public final class WorkloadCluster implements AutoCloseable {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private final ControlPlane plane;
    private final ObjectClient client;
    private final Informer<Pod> pods;
    private final Informer<ReplicaSet> replicaSets;
    private final Informer<Deployment> deployments;
    private final ApiEventRecorder rsEvents;
    private final ApiEventRecorder deploymentEvents;
    private final Controller replicaSetController;
    private final Controller deploymentController;
    private final FakeKubelet kubelet;

    private WorkloadCluster(ControlPlane plane) {
        this.plane = plane;
        this.client = ObjectClient.connect(ClientConfig.of(
                List.of(plane.apiAddress(0), plane.apiAddress(1), plane.apiAddress(2)), ControlPlane.TOKEN));
        this.pods = Informer.create(client.pods(), ListOptions.all(), Duration.ZERO);
        this.replicaSets = Informer.create(client.replicaSets(), ListOptions.all(), Duration.ZERO);
        this.deployments = Informer.create(client.deployments(), ListOptions.all(), Duration.ZERO);
        InstantSource clock = InstantSource.system();
        this.rsEvents = new ApiEventRecorder(client.events(), "replicaset-controller", "test", clock);
        this.deploymentEvents = new ApiEventRecorder(client.events(), "deployment-controller", "test", clock);
        this.replicaSetController = ReplicaSetController.create(client, replicaSets, pods, rsEvents, clock, 2);
        this.deploymentController =
                DeploymentController.create(client, deployments, replicaSets, pods, deploymentEvents, clock, 2);
        this.kubelet = new FakeKubelet(client, pods.indexer());
        pods.addHandler(kubelet);
    }

    /** Starts the control plane, the informers and both controllers. */
    public static WorkloadCluster start(Path root) throws Exception {
        WorkloadCluster cluster = new WorkloadCluster(ControlPlane.start(3, root));
        cluster.pods.start();
        cluster.replicaSets.start();
        cluster.deployments.start();
        cluster.replicaSetController.start();
        cluster.deploymentController.start();
        return cluster;
    }

    public ObjectClient client() {
        return client;
    }

    public FakeKubelet kubelet() {
        return kubelet;
    }

    /** A fresh namespace named after {@code prefix}. */
    public String newNamespace(String prefix) {
        String name = (prefix.length() > 20 ? prefix.substring(0, 20) : prefix).toLowerCase() + "-"
                + NAMESPACES.incrementAndGet();
        Namespace.Builder ns = Namespace.newBuilder();
        ns.getMetadataBuilder().setName(name);
        client.namespaces().create(ns.build());
        return name;
    }

    @Override
    public void close() {
        deploymentController.close();
        replicaSetController.close();
        kubelet.close();
        deployments.close();
        replicaSets.close();
        pods.close();
        rsEvents.close();
        deploymentEvents.close();
        client.close();
        plane.close();
    }
}
