package io.capstan.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlowStartTest {
    @Test
    void batchesDoubleUpToTheRemainder() {
        assertThat(SlowStart.batches(0)).isEmpty();
        assertThat(SlowStart.batches(1)).containsExactly(1);
        assertThat(SlowStart.batches(5)).containsExactly(1, 2, 2);
        assertThat(SlowStart.batches(50)).containsExactly(1, 2, 4, 8, 16, 19);
        assertThat(SlowStart.batches(SlowStart.BURST_REPLICAS).stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(500);
    }
}
