package io.capstan.kubelet;

import io.capstan.api.manifest.Manifests;
import io.capstan.apiserver.service.ControlPlane;
import io.capstan.client.ClientConfig;
import io.capstan.client.ObjectClient;
import io.capstan.kubelet.node.HostResources;
import io.capstan.kubelet.node.NodeConfig;
import io.capstan.kubelet.pod.HealthChecks;
import io.capstan.kubelet.pod.PodTimings;
import io.capstan.kubelet.runtime.ContainerRuntime;
import io.capstan.proto.api.v1.Pod;
import io.capstan.proto.api.v1.TypedObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An in-process control plane and a client for kubelet ITs, and the short periods they use. */
public final class KubeletHarness implements AutoCloseable {
    public final ControlPlane plane;
    public final ObjectClient api;
    private final Path root;

    private KubeletHarness(ControlPlane plane, ObjectClient api, Path root) {
        this.plane = plane;
        this.api = api;
        this.root = root;
    }

    public static KubeletHarness start(Path root) throws Exception {
        ControlPlane plane = ControlPlane.start(1, root.resolve("plane"));
        ObjectClient api = ObjectClient.connect(ClientConfig.of(List.of(plane.apiAddress(0)), ControlPlane.TOKEN));
        return new KubeletHarness(plane, api, root);
    }

    /** Back-off 1 s doubling to 4 s, resync 1 s, endpoints drain 3 s. */
    public static PodTimings fastTimings() {
        return PodTimings.defaults()
                .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .withResync(Duration.ofSeconds(1))
                .withEndpointsDrain(Duration.ofSeconds(3));
    }

    public KubeletConfig config(String node) {
        Path dir = root.resolve(node);
        return new KubeletConfig(
                new NodeConfig(
                        node,
                        "127.0.0.1",
                        Map.of("capstan.io/test", "true"),
                        List.of(),
                        HostResources.capacity(),
                        "",
                        dir,
                        Duration.ofSeconds(40),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(1)),
                dir,
                fastTimings());
    }

    public Kubelet kubelet(KubeletConfig config, ContainerRuntime runtime, HealthChecks health) throws Exception {
        return Kubelet.start(api, config, runtime, health, Clock.systemUTC());
    }

    public Kubelet kubelet(String node, ContainerRuntime runtime) throws Exception {
        return kubelet(config(node), runtime, HealthChecks.NONE);
    }

    /** The first object of a YAML manifest, as a Pod. */
    public static Pod pod(String yaml) {
        TypedObject object = Manifests.readYaml(yaml).get(0);
        return object.getPod();
    }

    /** An Endpoints object listing one address and port, as the endpoints controller writes them. */
    public static io.capstan.proto.api.v1.Endpoints endpoints(String namespace, String name, String ip, int port) {
        return io.capstan.proto.api.v1.Endpoints.newBuilder()
                .setMetadata(io.capstan.proto.api.v1.ObjectMeta.newBuilder()
                        .setNamespace(namespace)
                        .setName(name))
                .addSubsets(io.capstan.proto.api.v1.EndpointSubset.newBuilder()
                        .addAddresses(io.capstan.proto.api.v1.EndpointAddress.newBuilder()
                                .setIp(ip))
                        .addPorts(io.capstan.proto.api.v1.EndpointPort.newBuilder()
                                .setPort(port)))
                .build();
    }

    @Override
    public void close() throws Exception {
        api.close();
        plane.close();
    }
}
