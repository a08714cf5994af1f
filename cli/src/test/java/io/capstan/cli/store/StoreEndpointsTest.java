package io.capstan.cli.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreEndpointsTest {
    @Test
    void aConfigWithoutStoreEndpointsMeansTheDefault() {
        String written = """
                # Written by the capstan server that minted this cluster's admin token.
                endpoints:
                  - 127.0.0.1:6443
                token: abc
                """;

        assertThat(StoreEndpoints.parse(written)).containsExactly("127.0.0.1:2379");
    }

    @Test
    void storeEndpointsAreReadInOrderAndClientUrlsAccepted() {
        String written = """
                endpoints: [127.0.0.1:6443]
                token: abc
                storeEndpoints:
                  - 127.0.0.1:2379
                  - http://127.0.0.1:22379
                """;

        assertThat(StoreEndpoints.parse(written)).containsExactly("127.0.0.1:2379", "127.0.0.1:22379");
    }

    @Test
    void aMalformedEndpointIsNamedByItsIndex() {
        assertThatThrownBy(() -> StoreEndpoints.parse("storeEndpoints: [127.0.0.1:2379, nowhere]"))
                .hasMessage("storeEndpoints[1]: must be host:port, got \"nowhere\"");
        assertThatThrownBy(() -> StoreEndpoints.check(List.of("h:99999"), "--endpoints"))
                .hasMessage("--endpoints[0]: must be host:port, got \"h:99999\"");
    }

    @Test
    void prefixEndIncrementsTheLastByteBelowFf() {
        assertThat(Commands.prefixEnd(ByteString.copyFromUtf8("/registry/pods/"))
                        .toStringUtf8())
                .isEqualTo("/registry/pods0");
        assertThat(Commands.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})))
                .isEqualTo(ByteString.copyFromUtf8("b"));
        assertThat(Commands.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})))
                .isEqualTo(ByteString.copyFrom(new byte[] {0}));
    }

    @Test
    void sizesReadAsEtcdctlPrintsThem() {
        assertThat(StatusCommand.humanBytes(512)).isEqualTo("512 B");
        assertThat(StatusCommand.humanBytes(25_000)).isEqualTo("25 kB");
        assertThat(StatusCommand.humanBytes(1_234_567)).isEqualTo("1.2 MB");
    }
}
