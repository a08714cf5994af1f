package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientConfigTest {
    @Test
    void readsTheConfigTheServerWrites() {
        ClientConfig config = ClientConfig.parse("""
                # Written by the capstan server that minted this cluster's admin token.
                endpoints:
                  - 127.0.0.1:6443
                  - 127.0.0.1:16443
                  - 127.0.0.1:26443
                token: 0123456789abcdef0123
                """);

        assertThat(config.endpoints()).containsExactly("127.0.0.1:6443", "127.0.0.1:16443", "127.0.0.1:26443");
        assertThat(config.token()).isEqualTo("0123456789abcdef0123");
        assertThat(config.endpointList()).isEqualTo("127.0.0.1:6443,127.0.0.1:16443,127.0.0.1:26443");
    }

    @Test
    void readsInlineListsQuotesAndIgnoresOtherKeys() {
        ClientConfig config = ClientConfig.parse("""
                token: "secret-token-value"
                context: local
                endpoints: ['127.0.0.1:6443', 127.0.0.1:16443]
                """);

        assertThat(config.endpoints()).containsExactly("127.0.0.1:6443", "127.0.0.1:16443");
        assertThat(config.token()).isEqualTo("secret-token-value");
    }

    @Test
    void aFileWithoutEndpointsOrTokenYieldsEmptyValues() {
        ClientConfig config = ClientConfig.parse("# nothing here\n");

        assertThat(config.endpoints()).isEmpty();
        assertThat(config.endpointList()).isNull();
        assertThat(config.token()).isEmpty();
    }

    @Test
    void anIndentedLineThatIsNotAnItemIsRefused() {
        assertThatThrownBy(() -> ClientConfig.parse("endpoints:\n  127.0.0.1:6443\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--config: endpoints: expected '- host:port', got '127.0.0.1:6443'");
    }
}
