package io.capstan.apiserver.watch;

import java.time.Duration;

/**
 * Tuning of the watch caches.
 *
 * @param windowCapacity how many recent events each kind's cache keeps for watchers that resume
 *     from a resourceVersion (default 10,000); older ones get OUT_OF_RANGE and relist
 * @param watcherBufferCapacity how many live events one watcher may have waiting to be sent (default
 *     1,000); a watcher that falls further behind is ended with an ERROR event, so one slow client
 *     neither holds memory nor delays others
 * @param bookmarkInterval how often watchers that allow bookmarks get one (default 30 s: the API
 *     promises at least one a minute on an idle stream)
 * @param freshnessTimeout how long a request for a resourceVersion the cache has not reached yet
 *     waits for it (default 3 s), and how long any request waits for the cache's first list
 * @param progressRequestInterval how often the cache asks the store for progress while requests
 *     wait for a newer revision (default 100 ms, as kube-apiserver's progress requester)
 * @param retryInterval the first delay before re-watching or relisting after the store failed
 *     (default 200 ms); doubled after each further failure, up to {@code maxRetryInterval} (5 s)
 * @param senderThreads threads that send to watchers, shared by every kind (default 2)
 */
public record WatchCacheConfig(
        int windowCapacity,
        int watcherBufferCapacity,
        Duration bookmarkInterval,
        Duration freshnessTimeout,
        Duration progressRequestInterval,
        Duration retryInterval,
        Duration maxRetryInterval,
        int senderThreads) {

    public WatchCacheConfig {
        positive("windowCapacity", windowCapacity);
        positive("watcherBufferCapacity", watcherBufferCapacity);
        positive("bookmarkInterval", bookmarkInterval);
        positive("freshnessTimeout", freshnessTimeout);
        positive("progressRequestInterval", progressRequestInterval);
        positive("retryInterval", retryInterval);
        positive("maxRetryInterval", maxRetryInterval);
        positive("senderThreads", senderThreads);
    }

    public static WatchCacheConfig defaults() {
        return new WatchCacheConfig(
                10_000,
                1_000,
                Duration.ofSeconds(30),
                Duration.ofSeconds(3),
                Duration.ofMillis(100),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                2);
    }

    public WatchCacheConfig withWindowCapacity(int events) {
        return new WatchCacheConfig(
                events,
                watcherBufferCapacity,
                bookmarkInterval,
                freshnessTimeout,
                progressRequestInterval,
                retryInterval,
                maxRetryInterval,
                senderThreads);
    }

    public WatchCacheConfig withWatcherBufferCapacity(int events) {
        return new WatchCacheConfig(
                windowCapacity,
                events,
                bookmarkInterval,
                freshnessTimeout,
                progressRequestInterval,
                retryInterval,
                maxRetryInterval,
                senderThreads);
    }

    public WatchCacheConfig withBookmarkInterval(Duration interval) {
        return new WatchCacheConfig(
                windowCapacity,
                watcherBufferCapacity,
                interval,
                freshnessTimeout,
                progressRequestInterval,
                retryInterval,
                maxRetryInterval,
                senderThreads);
    }

    public WatchCacheConfig withFreshnessTimeout(Duration timeout) {
        return new WatchCacheConfig(
                windowCapacity,
                watcherBufferCapacity,
                bookmarkInterval,
                timeout,
                progressRequestInterval,
                retryInterval,
                maxRetryInterval,
                senderThreads);
    }

    public WatchCacheConfig withRetryInterval(Duration first, Duration max) {
        return new WatchCacheConfig(
                windowCapacity,
                watcherBufferCapacity,
                bookmarkInterval,
                freshnessTimeout,
                progressRequestInterval,
                first,
                max,
                senderThreads);
    }

    public WatchCacheConfig withSenderThreads(int threads) {
        return new WatchCacheConfig(
                windowCapacity,
                watcherBufferCapacity,
                bookmarkInterval,
                freshnessTimeout,
                progressRequestInterval,
                retryInterval,
                maxRetryInterval,
                threads);
    }

    /** The delay before the retry that follows {@code failures} consecutive failures (at least 1). */
    Duration retryDelay(int failures) {
        Duration delay = retryInterval;
        for (int i = 1; i < failures && delay.compareTo(maxRetryInterval) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxRetryInterval) > 0 ? maxRetryInterval : delay;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": must be >= 1, got " + value);
        }
    }

    private static void positive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + ": must be positive, got " + value);
        }
    }
}
