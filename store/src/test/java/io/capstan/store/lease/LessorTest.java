package io.capstan.store.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LessorTest {
    private final LeaseTable table = new LeaseTable();
    private final ManualClock clock = new ManualClock();
    private final List<Long> proposed = new ArrayList<>();
    // a long check interval: the tests run the expiry check themselves
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Lessor lessor = new Lessor(
            table,
            clock,
            scheduler,
            proposed::add,
            new Lessor.Config(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(3)));

    @AfterEach
    void stop() {
        lessor.close();
        scheduler.shutdownNow();
    }

    private void grant(long id, long ttlSeconds) {
        table.grant(id, ttlSeconds);
        lessor.onGranted(id, ttlSeconds);
    }

    @Test
    void leaderProposesRevokeOnceWhenLeaseExpires() {
        lessor.promote();
        grant(1, 10);
        grant(2, 20);

        clock.advance(Duration.ofSeconds(9));
        lessor.checkExpired();
        assertThat(proposed).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        lessor.checkExpired();
        lessor.checkExpired();
        assertThat(proposed).containsExactly(1L);
    }

    @Test
    void revokeIsProposedAgainAfterTheRetryInterval() {
        lessor.promote();
        grant(1, 10);
        clock.advance(Duration.ofSeconds(10));
        lessor.checkExpired();

        clock.advance(Duration.ofSeconds(3));
        lessor.checkExpired();

        assertThat(proposed).containsExactly(1L, 1L);
    }

    @Test
    void revokedLeaseIsNotProposedAgain() {
        lessor.promote();
        grant(1, 10);
        clock.advance(Duration.ofSeconds(10));
        lessor.checkExpired();
        table.revoke(1);
        lessor.onRevoked(1);

        clock.advance(Duration.ofSeconds(30));
        lessor.checkExpired();

        assertThat(proposed).containsExactly(1L);
    }

    @Test
    void followerNeverExpiresLeases() {
        grant(1, 10);
        clock.advance(Duration.ofMinutes(5));
        lessor.checkExpired();

        assertThat(proposed).isEmpty();
        assertThatThrownBy(() -> lessor.keepAlive(1)).isInstanceOf(NotPrimaryException.class);
    }

    @Test
    void promoteRestartsEveryLeaseClock() {
        grant(1, 10);
        clock.advance(Duration.ofSeconds(60));
        lessor.promote();

        clock.advance(Duration.ofSeconds(9));
        lessor.checkExpired();
        assertThat(proposed).isEmpty();
        assertThat(lessor.remainingTtlSeconds(1)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        lessor.checkExpired();
        assertThat(proposed).containsExactly(1L);
    }

    @Test
    void demoteStopsExpiry() {
        lessor.promote();
        grant(1, 10);
        lessor.demote();
        clock.advance(Duration.ofSeconds(60));
        lessor.checkExpired();

        assertThat(proposed).isEmpty();
    }

    @Test
    void keepAliveRestartsTheClock() {
        lessor.promote();
        grant(1, 10);
        clock.advance(Duration.ofSeconds(8));

        assertThat(lessor.keepAlive(1)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(8));
        lessor.checkExpired();

        assertThat(proposed).isEmpty();
        assertThat(lessor.remainingTtlSeconds(1)).isEqualTo(2);
    }

    @Test
    void keepAliveOfUnknownOrExpiredLeaseFails() {
        lessor.promote();
        assertThatThrownBy(() -> lessor.keepAlive(5)).isInstanceOf(LeaseNotFoundException.class);
        grant(1, 10);
        clock.advance(Duration.ofSeconds(10));

        assertThatThrownBy(() -> lessor.keepAlive(1)).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void ttlBelowTheMinimumIsRaised() {
        assertThat(lessor.grantTtlSeconds(1)).isEqualTo(5);
        assertThat(lessor.grantTtlSeconds(60)).isEqualTo(60);

        lessor.promote();
        grant(1, 1);
        clock.advance(Duration.ofSeconds(4));
        lessor.checkExpired();
        assertThat(proposed).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        lessor.checkExpired();
        assertThat(proposed).containsExactly(1L);
    }

    @Test
    void checkpointedRemainingTtlIsUsedOnPromote() {
        grant(1, 100);
        table.checkpoint(1, 20);
        lessor.promote();

        assertThat(lessor.remainingTtlSeconds(1)).isEqualTo(20);
    }
}
