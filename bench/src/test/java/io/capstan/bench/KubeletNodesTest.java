package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KubeletNodesTest {
    @Test
    void nodesStartAtEachEndpointInTurn() {
        List<String> endpoints = List.of("127.0.0.1:6443", "127.0.0.1:16443", "127.0.0.1:26443");
        assertThat(KubeletNodes.rotate(endpoints, 0)).containsExactlyElementsOf(endpoints);
        assertThat(KubeletNodes.rotate(endpoints, 1))
                .containsExactly("127.0.0.1:16443", "127.0.0.1:26443", "127.0.0.1:6443");
        assertThat(KubeletNodes.rotate(endpoints, 5))
                .containsExactly("127.0.0.1:26443", "127.0.0.1:6443", "127.0.0.1:16443");
    }

    @Test
    void namesSortInNumberOrder() {
        assertThat(KubeletNodes.nodeName("hollow-node-", 7)).isEqualTo("hollow-node-007");
        assertThat(KubeletNodes.nodeName("hollow-node-", 99)).isEqualTo("hollow-node-099");
    }
}
