package io.capstan.store.watch;

import java.time.Duration;

/**
 * Tuning of a {@link WatchHub}.
 *
 * @param progressInterval how often watchers with {@code progressNotify} that got no events are told the current
 *     revision; etcd's default is ten minutes. Zero or negative turns periodic progress off.
 * @param victimRetryInterval how often victims are retried without a {@link WatchStream#signalReady()} (default 100 ms;
 *     etcd retries every 10 ms, but here a stream that becomes ready retries its victims at once)
 * @param historyChunkEvents how many events one read from {@link History} asks for while catching a watcher up
 */
public record WatchHubConfig(Duration progressInterval, Duration victimRetryInterval, int historyChunkEvents) {

    public WatchHubConfig {
        if (victimRetryInterval.isZero() || victimRetryInterval.isNegative()) {
            throw new IllegalArgumentException("victimRetryInterval: must be positive, got " + victimRetryInterval);
        }
        if (historyChunkEvents < 1) {
            throw new IllegalArgumentException("historyChunkEvents: must be >= 1, got " + historyChunkEvents);
        }
    }

    public static WatchHubConfig defaults() {
        // Victims are retried at once when their stream signals ready; the timer is only a safety net,
        // and at 10 ms it woke every idle peer a hundred times a second.
        return new WatchHubConfig(Duration.ofMinutes(10), Duration.ofMillis(100), 1000);
    }

    public WatchHubConfig withProgressInterval(Duration interval) {
        return new WatchHubConfig(interval, victimRetryInterval, historyChunkEvents);
    }

    public WatchHubConfig withVictimRetryInterval(Duration interval) {
        return new WatchHubConfig(progressInterval, interval, historyChunkEvents);
    }

    public WatchHubConfig withHistoryChunkEvents(int events) {
        return new WatchHubConfig(progressInterval, victimRetryInterval, events);
    }
}
