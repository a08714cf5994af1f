package io.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StoreMainTest {

    private static StoreConfig parse(String... args) {
        StoreMain main = new StoreMain();
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void defaultsListenAndAdvertiseOnLoopback() {
        StoreConfig config = parse("--name", "s1", "--data-dir", "/tmp/s1");

        assertThat(config.clientAddress()).isEqualTo("127.0.0.1:2379");
        assertThat(config.peerAddress()).isEqualTo("127.0.0.1:2380");
        assertThat(config.advertisedPeerAddress()).isEqualTo("127.0.0.1:2380");
        assertThat(config.advertiseClientAddress()).isNull();
        assertThat(config.opsAddress()).isNull();
        assertThat(config.initialCluster()).containsExactly(Map.entry("s1", "http://127.0.0.1:2380"));
    }

    @Test
    void advertisedAddressesAreKeptApartFromTheListenAddresses() {
        StoreConfig config = parse(
                "--name", "server-1",
                "--data-dir", "/tmp/s1",
                "--listen-client", "0.0.0.0:2379",
                "--advertise-client", "10.0.0.1:2379",
                "--listen-peer", "0.0.0.0:2380",
                "--advertise-peer", "10.0.0.1:2380",
                "--listen-metrics", "10.0.0.1:2381",
                "--initial-cluster",
                        "server-1=http://10.0.0.1:2380,server-2=http://10.0.0.2:2380,server-3=http://10.0.0.3:2380");

        assertThat(config.clientAddress()).isEqualTo("0.0.0.0:2379");
        assertThat(config.advertiseClientAddress()).isEqualTo("10.0.0.1:2379");
        assertThat(config.peerAddress()).isEqualTo("0.0.0.0:2380");
        assertThat(config.advertisedPeerAddress()).isEqualTo("10.0.0.1:2380");
        assertThat(config.opsAddress()).isEqualTo("10.0.0.1:2381");
        assertThat(config.initialCluster()).containsEntry("server-1", "http://10.0.0.1:2380");
    }

    @Test
    void aSingleMembersInitialClusterIsItsAdvertisedPeerAddress() {
        StoreConfig config = parse(
                "--name",
                "s1",
                "--data-dir",
                "/tmp/s1",
                "--listen-peer",
                "0.0.0.0:2380",
                "--advertise-peer",
                "10.0.0.1:2380");

        assertThat(config.initialCluster()).containsExactly(Map.entry("s1", "http://10.0.0.1:2380"));
    }

    @Test
    void aWildcardPeerListenAddressNeedsAnAdvertisedOne() {
        assertThatThrownBy(() -> parse("--name", "s1", "--data-dir", "/tmp/s1", "--listen-peer", "0.0.0.0:2380"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--advertise-peer: required when --listen-peer binds every address");
    }

    @Test
    void aWildcardClientListenAddressNeedsAnAdvertisedOne() {
        assertThatThrownBy(() -> parse("--name", "s1", "--data-dir", "/tmp/s1", "--listen-client", "[::]:2379"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--advertise-client: required when --listen-client binds every address");
    }

    @Test
    void anAdvertisedAddressIsHostAndPort() {
        assertThatThrownBy(() -> parse("--name", "s1", "--data-dir", "/tmp/s1", "--advertise-peer", "http://h:2380"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--advertise-peer: expected host:port, got 'http://h:2380'");
    }
}
