package io.capstan.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.store.StoreConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServerMainTest {

    private static ServerMain parse(String... args) {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void everyAddressDefaultsToLoopback() {
        ServerMain main = parse("--name", "server-1", "--data-dir", "/tmp/s1");
        StoreConfig store = main.store.config();

        assertThat(main.listenApi).isEqualTo("127.0.0.1:6443");
        assertThat(store.clientAddress()).isEqualTo("127.0.0.1:2379");
        assertThat(store.peerAddress()).isEqualTo("127.0.0.1:2380");
        assertThat(store.advertisedPeerAddress()).isEqualTo("127.0.0.1:2380");
        assertThat(store.advertiseClientAddress()).isNull();
        assertThat(store.opsAddress()).isNull();
        assertThat(main.apiEndpoints).isEmpty();
    }

    @Test
    void everyListenAdvertiseAndPeerAddressIsAFlag() {
        ServerMain main = parse(
                "--name", "server-2",
                "--data-dir", "/tmp/s2",
                "--listen-api", "0.0.0.0:6443",
                "--listen-client", "10.0.0.2:2379",
                "--listen-peer", "0.0.0.0:2380",
                "--advertise-peer", "10.0.0.2:2380",
                "--listen-metrics", "10.0.0.2:2381",
                "--initial-cluster",
                        "server-1=http://10.0.0.1:2380,server-2=http://10.0.0.2:2380,server-3=http://10.0.0.3:2380",
                "--api-endpoints", "10.0.0.1:6443,10.0.0.2:6443,10.0.0.3:6443");
        StoreConfig store = main.store.config();

        assertThat(main.listenApi).isEqualTo("0.0.0.0:6443");
        assertThat(store.clientAddress()).isEqualTo("10.0.0.2:2379");
        assertThat(store.peerAddress()).isEqualTo("0.0.0.0:2380");
        assertThat(store.advertisedPeerAddress()).isEqualTo("10.0.0.2:2380");
        assertThat(store.opsAddress()).isEqualTo("10.0.0.2:2381");
        assertThat(store.initialCluster()).hasSize(3).containsEntry("server-2", "http://10.0.0.2:2380");
        assertThat(main.apiEndpoints).isEqualTo("10.0.0.1:6443,10.0.0.2:6443,10.0.0.3:6443");
    }

    @Test
    void theClientConfigDialsLoopbackForAnApiOnEveryAddress() {
        assertThat(ServerMain.clientHost("0.0.0.0:6443")).isEqualTo("127.0.0.1");
        assertThat(ServerMain.clientHost("[::]:6443")).isEqualTo("127.0.0.1");
        assertThat(ServerMain.clientHost("10.0.0.1:6443")).isEqualTo("10.0.0.1");
        assertThat(ServerMain.clientHost("127.0.0.1:6443")).isEqualTo("127.0.0.1");
    }
}
