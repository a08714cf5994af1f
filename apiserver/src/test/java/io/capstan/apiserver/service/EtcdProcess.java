package io.capstan.apiserver.service;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.capstan.apiserver.storage.RemoteKvStore;
import io.capstan.proto.etcd.RangeRequest;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real single-member etcd server for tests, on ephemeral loopback ports, started from the
 * {@code etcd} binary on the PATH (Debian's etcd-server, 3.4). Stopped by its own pid.
 */
final class EtcdProcess implements AutoCloseable {
    private final Process process;
    private final String clientAddress;

    private EtcdProcess(Process process, String clientAddress) {
        this.process = process;
        this.clientAddress = clientAddress;
    }

    /** The etcd binary, if one is installed. */
    static Optional<Path> binary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * A three-node control plane over etcd, or the calling test class skipped, loudly, when no etcd
     * binary is installed (.ci/run installs Debian's etcd-server).
     */
    static ControlPlane controlPlaneOrSkip(String testClass, Path root, UnaryOperator<ApiConfig> tune)
            throws Exception {
        Optional<Path> etcd = binary();
        if (etcd.isEmpty()) {
            System.err.println(
                    "SKIPPED: " + testClass + " needs an etcd binary on the PATH (apt-get install etcd-server)");
        }
        assumeTrue(etcd.isPresent(), "no etcd binary on the PATH");
        return ControlPlane.startOnEtcd(etcd.get(), 3, root, tune);
    }

    static EtcdProcess start(Path binary, Path dataDir) throws Exception {
        int client = freePort();
        int peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        Files.createDirectories(dataDir);
        Process process = new ProcessBuilder(
                        binary.toString(),
                        "--name",
                        "test-etcd",
                        "--data-dir",
                        dataDir.resolve("data").toString(),
                        "--listen-client-urls",
                        clientUrl,
                        "--advertise-client-urls",
                        clientUrl,
                        "--listen-peer-urls",
                        peerUrl,
                        "--initial-advertise-peer-urls",
                        peerUrl,
                        "--initial-cluster",
                        "test-etcd=" + peerUrl,
                        "--experimental-watch-progress-notify-interval",
                        "1s")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("etcd.log").toFile())
                .start();
        EtcdProcess etcd = new EtcdProcess(process, "127.0.0.1:" + client);
        etcd.awaitServing(Duration.ofSeconds(30));
        return etcd;
    }

    String clientAddress() {
        return clientAddress;
    }

    private void awaitServing(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (RemoteKvStore kv = new RemoteKvStore(List.of(clientAddress), Duration.ofSeconds(1))) {
            while (true) {
                try {
                    kv.range(RangeRequest.newBuilder()
                                    .setKey(com.google.protobuf.ByteString.copyFromUtf8("/"))
                                    .build())
                            .get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        close();
                        throw new IOException("etcd did not start serving on " + clientAddress, e);
                    }
                    process.waitFor(100, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
