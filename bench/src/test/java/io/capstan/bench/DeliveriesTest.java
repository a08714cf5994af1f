package io.capstan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DeliveriesTest {
    @Test
    void countsEachEventOnceInResourceVersionOrder() {
        Deliveries deliveries = new Deliveries(2);
        deliveries.seen(0, 9);

        deliveries.delivered(0, 10, 1_000_000);
        deliveries.delivered(0, 10, 1_000_000); // a repeat, e.g. after resuming from too old a version
        deliveries.delivered(0, 11, 2_000_000);
        deliveries.delivered(0, 12, 3_000_000);

        assertThat(deliveries.delivered(0)).isEqualTo(3);
        assertThat(deliveries.outOfOrder()).isEqualTo(1);
        assertThat(deliveries.lastResourceVersion(0)).isEqualTo(12);
        assertThat(deliveries.latency().count()).isEqualTo(3);
        assertThat(deliveries.latency().maxMillis()).isCloseTo(3.0, within(0.01)); // 3 significant digits
    }

    @Test
    void aWatcherIsCompleteWhenItDeliveredEveryAcknowledgedWrite() {
        Deliveries deliveries = new Deliveries(3);
        for (long rv = 10; rv < 13; rv++) {
            deliveries.delivered(0, rv, 1000);
            deliveries.delivered(1, rv, 1000);
        }
        deliveries.delivered(2, 10, 1000);

        assertThat(deliveries.complete(3)).isEqualTo(2);
        assertThat(deliveries.minPerWatcher()).isEqualTo(1);
        assertThat(deliveries.total()).isEqualTo(7);
    }

    @Test
    void anEventBelowABookmarkIsOutOfOrderAndAnUnstampedOneHasNoLatency() {
        Deliveries deliveries = new Deliveries(1);
        deliveries.seen(0, 20);
        deliveries.seen(0, 15); // an older bookmark never moves the position back

        deliveries.delivered(0, 18, 1000);
        deliveries.delivered(0, 21, -1);

        assertThat(deliveries.outOfOrder()).isEqualTo(1);
        assertThat(deliveries.delivered(0)).isEqualTo(1);
        assertThat(deliveries.latency().count()).isZero();
    }
}
