package io.capstan.client;

import static io.capstan.client.TestObjects.configMap;
import static io.capstan.client.TestObjects.namespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.proto.api.v1.ConfigMap;
import io.capstan.proto.api.v1.ObjectMeta;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Calls keep working when the API server a client talks to goes away. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObjectClientFailoverIT {

    /**
     * The node killed is not the store's leader, so what is measured is the client's failover, not
     * the store's election.
     */
    @Test
    void callsMoveToAnotherServerWhenTheCurrentOneIsKilled(@TempDir Path root) throws Exception {
        try (ControlPlane plane = ControlPlane.start(3, root)) {
            int victim = (plane.store().awaitLeader() + 1) % 3;
            ObjectClient client = ObjectClient.connect(ClientConfig.of(
                    List.of(
                            plane.apiAddress(victim),
                            plane.apiAddress((victim + 1) % 3),
                            plane.apiAddress((victim + 2) % 3)),
                    ControlPlane.TOKEN));
            client.namespaces().create(namespace("failover"));
            ConfigMap before = client.configMaps().create(configMap("failover", "before", Map.of()));

            plane.kill(victim);

            for (int i = 0; i < 10; i++) {
                client.configMaps().create(configMap("failover", "after-" + i, Map.of()));
            }
            assertThat(client.configMaps().get("failover", "before")).isEqualTo(before);
            assertThat(client.configMaps()
                            .listAll(ListOptions.inNamespace("failover"))
                            .items())
                    .hasSize(11);
            client.close();
        }
    }

    @Test
    void aDeadFirstEndpointCostsOneAttempt(@TempDir Path root) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (ControlPlane plane = ControlPlane.start(1, root);
                ObjectClient client = ObjectClient.connect(
                        ClientConfig.of(List.of("127.0.0.1:" + closedPort, plane.apiAddress(0)), ControlPlane.TOKEN))) {
            client.namespaces().create(namespace("dead-first"));

            for (int i = 0; i < 5; i++) {
                client.configMaps().create(configMap("dead-first", "cm-" + i, Map.of()));
            }
            assertThat(client.configMaps()
                            .listAll(ListOptions.inNamespace("dead-first"))
                            .items())
                    .hasSize(5);
        }
    }

    @Test
    void unavailableEverywhereIsThrownAfterTheBoundedRetries() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (ObjectClient client =
                ObjectClient.connect(ClientConfig.of(List.of("127.0.0.1:" + closedPort), ControlPlane.TOKEN))) {
            assertThatThrownBy(() -> client.pods().get("ns", "p"))
                    .isInstanceOfSatisfying(
                            UnavailableException.class,
                            e -> assertThat(e.afterRetry()).isTrue());
            // a create with generateName is never retried: a second attempt could create a second object
            ConfigMap generated = ConfigMap.newBuilder()
                    .setMetadata(ObjectMeta.newBuilder().setNamespace("ns").setGenerateName("cm-"))
                    .build();
            assertThatThrownBy(() -> client.configMaps().create(generated))
                    .isInstanceOfSatisfying(
                            UnavailableException.class,
                            e -> assertThat(e.afterRetry()).isFalse());
        }
    }
}
