package io.capstan.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final Expectations expectations = new Expectations(clock);

    @Test
    void keyWithoutRecordIsSatisfied() {
        assertThat(expectations.satisfied("shop/web")).isTrue();
    }

    @Test
    void creationsAreSatisfiedOnceAllAreObserved() {
        expectations.expectCreations("shop/web", 3);
        assertThat(expectations.satisfied("shop/web")).isFalse();
        expectations.creationObserved("shop/web");
        expectations.creationObserved("shop/web");
        assertThat(expectations.satisfied("shop/web")).isFalse();
        assertThat(expectations.pending("shop/web")).isEqualTo(new Expectations.Pending(1, 0));
        expectations.creationObserved("shop/web");
        assertThat(expectations.satisfied("shop/web")).isTrue();
        // more observations than expected (pods created by someone else) stay satisfied
        expectations.creationObserved("shop/web");
        assertThat(expectations.satisfied("shop/web")).isTrue();
    }

    @Test
    void skippedCreationsLowerTheCount() {
        expectations.expectCreations("shop/web", 7);
        expectations.creationObserved("shop/web");
        expectations.creationsObserved("shop/web", 6);
        assertThat(expectations.satisfied("shop/web")).isTrue();
    }

    @Test
    void deletionsCountOncePerNamedObject() {
        expectations.expectDeletions("shop/web", List.of("shop/p1", "shop/p2"));
        expectations.deletionObserved("shop/web", "shop/p1");
        expectations.deletionObserved("shop/web", "shop/p1");
        expectations.deletionObserved("shop/web", "shop/p9");
        assertThat(expectations.satisfied("shop/web")).isFalse();
        assertThat(expectations.pending("shop/web")).isEqualTo(new Expectations.Pending(0, 1));
        expectations.deletionObserved("shop/web", "shop/p2");
        assertThat(expectations.satisfied("shop/web")).isTrue();
    }

    @Test
    void unfulfilledRecordExpiresAfterTimeout() {
        expectations.expectCreations("shop/web", 2);
        clock.advance(Expectations.TIMEOUT);
        assertThat(expectations.satisfied("shop/web")).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(expectations.satisfied("shop/web")).isTrue();
    }

    @Test
    void expectingAgainReplacesTheRecordAndRestartsItsClock() {
        expectations.expectCreations("shop/web", 2);
        clock.advance(Duration.ofMinutes(4));
        expectations.expectDeletions("shop/web", List.of("shop/p1"));
        assertThat(expectations.pending("shop/web")).isEqualTo(new Expectations.Pending(0, 1));
        clock.advance(Duration.ofMinutes(4));
        assertThat(expectations.satisfied("shop/web")).isFalse();
    }

    @Test
    void deleteForgetsTheKeyAndKeysAreIndependent() {
        expectations.expectCreations("shop/web", 1);
        expectations.expectCreations("shop/api", 1);
        expectations.delete("shop/web");
        assertThat(expectations.satisfied("shop/web")).isTrue();
        assertThat(expectations.satisfied("shop/api")).isFalse();
        expectations.creationObserved("shop/web");
        assertThat(expectations.pending("shop/web")).isEqualTo(new Expectations.Pending(0, 0));
    }
}
