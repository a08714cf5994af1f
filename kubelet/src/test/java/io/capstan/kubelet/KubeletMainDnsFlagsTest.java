package io.capstan.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.kubelet.dns.DnsConfig;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KubeletMainDnsFlagsTest {
    private static KubeletMain parse(String... args) {
        KubeletMain main = new KubeletMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void dnsIsServedOnLoopback10053ForClusterLocalByDefault() {
        DnsConfig config = parse("--node", "n1").dnsConfig();

        assertThat(config.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 10053));
        assertThat(config.clusterDomain()).isEqualTo("cluster.local");
        assertThat(config.upstream()).isNull();
    }

    @Test
    void flagsSetAddressPortDomainAndUpstream() {
        DnsConfig config = parse(
                        "--node",
                        "n1",
                        "--dns-port",
                        "5300",
                        "--dns-address",
                        "127.0.0.2",
                        "--cluster-domain",
                        "corp.local",
                        "--dns-upstream",
                        "127.0.0.53:53")
                .dnsConfig();

        assertThat(config.address()).isEqualTo(new InetSocketAddress("127.0.0.2", 5300));
        assertThat(config.clusterDomain()).isEqualTo("corp.local");
        assertThat(config.upstream()).isEqualTo(new InetSocketAddress("127.0.0.53", 53));
    }

    @Test
    void aPortOutOfRangeIsRejectedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--node", "n1", "--dns-port", "70000").dnsConfig())
                .hasMessage("--dns-port: expected 0 to 65535, got 70000");
    }
}
