package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.kubelet.server.KubeletServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KubeletAddressesTest {

    private static KubeletMain parse(String... args) {
        KubeletMain main = new KubeletMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void everyAddressDefaultsToLoopback() {
        KubeletMain main = parse("--node", "n1");

        assertThat(main.address).isEqualTo("127.0.0.1");
        assertThat(main.nodePortAddress).isEqualTo("127.0.0.1");
        assertThat(main.serverOptions.address()).isEqualTo("127.0.0.1");
        assertThat(main.serverOptions.port()).isEqualTo(KubeletServer.DEFAULT_PORT);
        assertThat(main.server).isEmpty();
    }

    @Test
    void everyAddressIsAFlag() {
        KubeletMain main = parse(
                "--node", "n1",
                "--address", "10.0.0.11",
                "--node-port-address", "0.0.0.0",
                "--kubelet-address", "0.0.0.0",
                "--kubelet-port", "10251",
                "--server", "10.0.0.1:6443,10.0.0.2:6443,10.0.0.3:6443");

        assertThat(main.address).isEqualTo("10.0.0.11");
        assertThat(main.nodePortAddress).isEqualTo("0.0.0.0");
        assertThat(main.serverOptions.address()).isEqualTo("0.0.0.0");
        assertThat(main.serverOptions.port()).isEqualTo(10251);
        assertThat(main.server).isEqualTo("10.0.0.1:6443,10.0.0.2:6443,10.0.0.3:6443");
    }

    @Test
    void aKubeletPortOnOneAddressIsRecordedAsBound() {
        assertThat(Kubelet.advertisedEndpoint("10.0.0.11:10250", "10.0.0.99")).isEqualTo("10.0.0.11:10250");
        assertThat(Kubelet.advertisedEndpoint("127.0.0.1:10250", "127.0.0.1")).isEqualTo("127.0.0.1:10250");
    }

    @Test
    void aKubeletPortOnEveryAddressIsRecordedAtTheNodeAddress() {
        assertThat(Kubelet.advertisedEndpoint("0.0.0.0:10250", "10.0.0.11")).isEqualTo("10.0.0.11:10250");
        assertThat(Kubelet.advertisedEndpoint("[::]:10250", "fd00::11")).isEqualTo("[fd00::11]:10250");
    }
}
