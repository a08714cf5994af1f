package io.capstan.controllers.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.client.ObjectKey;
import io.capstan.controllers.scheduler.UnschedulablePods.Wake;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UnschedulablePodsTest {
    private static final ObjectKey A = ObjectKey.of("default", "a");
    private static final ObjectKey B = ObjectKey.of("default", "b");

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    private final UnschedulablePods unschedulable = new UnschedulablePods(now::get);

    @Test
    void aClusterChangeWakesEveryParkedPodOnce() {
        assertThat(unschedulable.park(A, unschedulable.cycle())).isEmpty();
        assertThat(unschedulable.park(B, unschedulable.cycle())).isEmpty();
        elapse(Duration.ofSeconds(1));

        assertThat(unschedulable.clusterChanged())
                .containsExactly(new Wake(A, Duration.ZERO), new Wake(B, Duration.ZERO));
        assertThat(unschedulable.clusterChanged()).isEmpty();
        assertThat(unschedulable.size()).isZero();
    }

    @Test
    void aPodWokenSoonAfterItFailedWaitsForTheRestOfItsBackoff() {
        unschedulable.park(A, unschedulable.cycle());
        elapse(Duration.ofMillis(300));

        assertThat(unschedulable.clusterChanged()).containsExactly(new Wake(A, Duration.ofMillis(700)));
    }

    @Test
    void theBackoffDoublesWithEachFailureUpToTenSeconds() {
        assertThat(UnschedulablePods.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(UnschedulablePods.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(UnschedulablePods.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(UnschedulablePods.backoff(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(UnschedulablePods.backoff(500)).isEqualTo(Duration.ofSeconds(10));

        for (int i = 0; i < 3; i++) {
            unschedulable.park(A, unschedulable.cycle());
            unschedulable.clusterChanged();
        }
        unschedulable.park(A, unschedulable.cycle());
        assertThat(unschedulable.clusterChanged()).containsExactly(new Wake(A, Duration.ofSeconds(8)));
    }

    @Test
    void aPodTriedWhileTheClusterChangedIsNotParkedButRetriedAfterItsBackoff() {
        long seen = unschedulable.cycle();

        unschedulable.clusterChanged(); // a node arrived while the algorithm ran

        assertThat(unschedulable.park(A, seen)).contains(Duration.ofSeconds(1));
        assertThat(unschedulable.size()).isZero();
        assertThat(unschedulable.park(A, unschedulable.cycle())).isEmpty();
    }

    @Test
    void aRemovedPodIsNotWokenAndStartsItsBackoffAfresh() {
        unschedulable.park(A, unschedulable.cycle());
        unschedulable.park(A, unschedulable.cycle());

        unschedulable.remove(A);

        assertThat(unschedulable.clusterChanged()).isEmpty();
        unschedulable.park(A, unschedulable.cycle());
        assertThat(unschedulable.clusterChanged()).containsExactly(new Wake(A, Duration.ofSeconds(1)));
    }

    private void elapse(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }
}
