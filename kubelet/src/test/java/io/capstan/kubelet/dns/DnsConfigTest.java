package io.capstan.kubelet.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DnsConfigTest {
    @Test
    void defaultsAreLoopbackPort10053ClusterLocalAndNoUpstream() {
        DnsConfig config = DnsConfig.defaults();

        assertThat(config.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 10053));
        assertThat(config.clusterDomain()).isEqualTo("cluster.local");
        assertThat(config.upstream()).isNull();
    }

    @Test
    void theClusterDomainIsKeptInLowerCaseWithoutTrailingDot() {
        assertThat(DnsConfig.defaults().withClusterDomain("Corp.Example.").clusterDomain())
                .isEqualTo("corp.example");
        assertThatThrownBy(() -> DnsConfig.defaults().withClusterDomain(" .")).hasMessage("clusterDomain: required");
    }

    @Test
    void parsesUpstreamsWithAndWithoutPort() {
        assertThat(DnsConfig.parseUpstream("127.0.0.53:5353")).isEqualTo(new InetSocketAddress("127.0.0.53", 5353));
        assertThat(DnsConfig.parseUpstream("127.0.0.53")).isEqualTo(new InetSocketAddress("127.0.0.53", 53));
        assertThat(DnsConfig.parseUpstream("[::1]:5353")).isEqualTo(new InetSocketAddress("::1", 5353));
        assertThatThrownBy(() -> DnsConfig.parseUpstream("127.0.0.1:dns"))
                .hasMessage("--dns-upstream: expected HOST:PORT with a port from 1 to 65535, got \"127.0.0.1:dns\"");
        assertThatThrownBy(() -> DnsConfig.parseUpstream(":53"))
                .hasMessage("--dns-upstream: expected HOST:PORT, got \":53\"");
    }
}
