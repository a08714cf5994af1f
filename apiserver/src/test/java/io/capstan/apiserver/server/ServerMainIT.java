package io.capstan.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.apiserver.service.ControlPlane;
import io.capstan.proto.api.v1.GetRequest;
import io.capstan.proto.api.v1.ObjectServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code capstan server} as an operator starts it: a single node from its command line, on
 * ephemeral loopback ports. The node mints the admin token on first start, writes the client
 * config, accepts that token, and on a restart over the same data mints nothing new.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerMainIT {

    @Test
    void firstStartMintsTheAdminTokenAndWritesTheClientConfig(@TempDir Path dir) throws Exception {
        List<Integer> ports = List.of(freePort(), freePort());
        Path config = dir.resolve("client.config");
        String[] args = {
            "--name",
            "server-1",
            "--data-dir",
            dir.resolve("data").toString(),
            "--listen-api",
            "127.0.0.1:0",
            "--listen-client",
            "127.0.0.1:" + ports.get(0),
            "--listen-peer",
            "127.0.0.1:" + ports.get(1),
            "--client-config",
            config.toString()
        };
        String token;
        try (ServerMain.Running node = parse(args).start()) {
            List<String> lines = Files.readAllLines(config);
            token = lines.stream()
                    .filter(l -> l.startsWith("token: "))
                    .map(l -> l.substring(7))
                    .findFirst()
                    .orElseThrow();
            String endpoint = "127.0.0.1:" + node.api().port();
            assertThat(lines).contains("  - " + endpoint);
            assertThat(lines).containsSequence("storeEndpoints:", "  - 127.0.0.1:" + ports.get(0));
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
                    .isEqualTo("rw-------");

            ManagedChannel channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                    .build();
            try {
                ObjectServiceGrpc.ObjectServiceBlockingStub api =
                        ObjectServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
                assertThat(api.withCallCredentials(ControlPlane.bearer(token))
                                .get(GetRequest.newBuilder()
                                        .setKind("Namespace")
                                        .setName("default")
                                        .build())
                                .getObject()
                                .getNamespace()
                                .getMetadata()
                                .getName())
                        .isEqualTo("default");
                assertThatThrownBy(() -> api.withCallCredentials(ControlPlane.bearer("x" + token))
                                .get(GetRequest.newBuilder()
                                        .setKind("Namespace")
                                        .setName("default")
                                        .build()))
                        .satisfies(e -> assertThat(
                                        ((StatusRuntimeException) e).getStatus().getCode())
                                .isEqualTo(Status.Code.UNAUTHENTICATED));
            } finally {
                channel.shutdownNow();
            }
        }

        // A restart over the same data keeps the cluster's token and writes no new config.
        Files.delete(config);
        try (ServerMain.Running node = parse(args).start()) {
            assertThat(node.api().port()).isPositive();
            assertThat(config).doesNotExist();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ServerMain parse(String[] args) {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }
}
