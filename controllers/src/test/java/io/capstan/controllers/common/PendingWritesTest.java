package io.capstan.controllers.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingWritesTest {
    private final PendingWrites writes = new PendingWrites();

    @Test
    void cacheAtAnyVersionOurWritesReplacedIsStale() {
        writes.wrote("shop/web", "41", "57");
        writes.wrote("shop/web", "57", "58");
        assertThat(writes.isStale("shop/web", "41")).isTrue();
        assertThat(writes.isStale("shop/web", "57")).isTrue();
        assertThat(writes.isStale("shop/other", "41")).isFalse();
    }

    @Test
    void cacheThatCaughtUpDropsTheRecord() {
        writes.wrote("shop/web", "41", "57");
        assertThat(writes.isStale("shop/web", "57")).isFalse();
        // once caught up, even the old version is no longer taken for ours
        assertThat(writes.isStale("shop/web", "41")).isFalse();
    }

    @Test
    void writeThatChangedNothingIsNotRecordedAndForgetDrops() {
        writes.wrote("shop/web", "41", "41");
        assertThat(writes.isStale("shop/web", "41")).isFalse();
        writes.wrote("shop/web", "41", "42");
        writes.forget("shop/web");
        assertThat(writes.isStale("shop/web", "41")).isFalse();
    }
}
