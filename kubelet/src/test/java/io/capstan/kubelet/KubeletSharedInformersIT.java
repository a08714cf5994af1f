package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.apiserver.service.ObjectApiServer;
import io.capstan.kubelet.ingress.IngressConfig;
import io.capstan.kubelet.ingress.IngressProxy;
import io.capstan.kubelet.ingress.Route;
import io.capstan.kubelet.pod.HealthChecks;
import io.capstan.kubelet.proxy.ProxyConfig;
import io.capstan.kubelet.proxy.ServiceProxy;
import io.capstan.kubelet.runtime.fake.FakeRuntime;
import io.capstan.proto.api.v1.Ingress;
import io.capstan.proto.api.v1.IngressBackend;
import io.capstan.proto.api.v1.IngressServiceBackend;
import io.capstan.proto.api.v1.IngressSpec;
import io.capstan.proto.api.v1.ObjectMeta;
import io.capstan.proto.api.v1.Service;
import io.capstan.proto.api.v1.ServiceBackendPort;
import io.capstan.proto.api.v1.ServicePort;
import io.capstan.proto.api.v1.ServiceSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubelet running the service proxy and the ingress proxy watches Services and Endpoints once:
 * both proxies serve from the kubelet's informers, so the API server sees one watch per informer
 * the kubelet needs and none more.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubeletSharedInformersIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Pods, ConfigMaps, Secrets, Services and Endpoints for the kubelet, Ingresses for its proxy. */
    private static final int WATCHES = 6;

    @Test
    void theProxiesServeFromTheKubeletsInformersAndOpenNoWatchOfTheirOwnOnServicesOrEndpoints(@TempDir Path root)
            throws Exception {
        try (KubeletHarness harness = KubeletHarness.start(root)) {
            ObjectApiServer server = harness.plane.server(0);
            int before = server.watcherCount();
            KubeletConfig config = harness.config("node-a")
                    .withProxy(ProxyConfig.defaults())
                    .withIngress(IngressConfig.defaults().withPort(0));
            try (FakeRuntime runtime = new FakeRuntime("node-a", Clock.systemUTC());
                    Kubelet kubelet = harness.kubelet(config, runtime, HealthChecks.NONE)) {
                ServiceProxy proxy = kubelet.proxy();
                IngressProxy ingress = kubelet.ingress();
                assertThat(proxy).isNotNull();
                assertThat(ingress).isNotNull();
                int port = freePort();
                Service service = harness.api
                        .services()
                        .create(Service.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .setNamespace("default")
                                        .setName("web"))
                                .setSpec(ServiceSpec.newBuilder()
                                        .addPorts(ServicePort.newBuilder().setPort(port)))
                                .build());
                harness.api.endpoints().apply(KubeletHarness.endpoints("default", "web", "127.0.0.1", freePort()));
                harness.api
                        .ingresses()
                        .create(Ingress.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder()
                                        .setNamespace("default")
                                        .setName("web"))
                                .setSpec(IngressSpec.newBuilder()
                                        .setDefaultBackend(IngressBackend.newBuilder()
                                                .setService(IngressServiceBackend.newBuilder()
                                                        .setName("web")
                                                        .setPort(ServiceBackendPort.newBuilder()
                                                                .setNumber(port)))))
                                .build());
                InetSocketAddress clusterIp = new InetSocketAddress(
                        InetAddress.getByName(service.getSpec().getClusterIp()), port);

                // both proxies have seen the new objects, so every informer of the kubelet is watching
                await().atMost(DEADLINE).until(() -> proxy.listening().contains(clusterIp));
                await().atMost(DEADLINE).until(() -> {
                    Optional<Route> route = ingress.routes().match("any.test", "/");
                    return route.isPresent() && !ingress.endpoints(route.get()).isEmpty();
                });
                await().atMost(DEADLINE).until(() -> server.watcherCount() - before >= WATCHES);

                assertThat(server.watcherCount() - before).isEqualTo(WATCHES);
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
