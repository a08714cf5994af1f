package io.capstan.kubelet.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {

    @Test
    void defaultsServeNodePortsOnLoopbackWithTwoEventLoops() {
        ProxyConfig config = ProxyConfig.defaults();

        assertThat(config.nodePortAddress()).isEqualTo("127.0.0.1");
        assertThat(config.eventLoopThreads()).isEqualTo(2);
        assertThat(config.maxConnectAttempts()).isEqualTo(3);
        assertThat(config.withNodePortAddress("0.0.0.0").nodePortAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void rejectsValuesNamingTheField() {
        ProxyConfig config = ProxyConfig.defaults();

        assertThatThrownBy(() -> config.withNodePortAddress("localhost"))
                .hasMessage("nodePortAddress: must be an IP address, got \"localhost\"");
        assertThatThrownBy(() -> config.withEventLoopThreads(0)).hasMessage("eventLoopThreads: must be >= 1, got 0");
        assertThatThrownBy(() -> config.withConnectTimeout(Duration.ZERO))
                .hasMessage("connectTimeout: must be > 0, got PT0S");
        assertThatThrownBy(() -> config.withMaxConnectAttempts(0))
                .hasMessage("maxConnectAttempts: must be >= 1, got 0");
        assertThatThrownBy(() -> config.withIdleTimeout(Duration.ofSeconds(-1)))
                .hasMessage("idleTimeout: must be > 0, got PT-1S");
        assertThatThrownBy(() -> config.withResyncPeriod(Duration.ofSeconds(-1)))
                .hasMessage("resyncPeriod: must be >= 0, got PT-1S");
    }
}
