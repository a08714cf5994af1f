package io.capstan.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.capstan.client.scheduler.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkQueueTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final WorkQueue<String> queue = new WorkQueue<>("test", RateLimiter.defaults(), scheduler);

    @Test
    void keyAddedManyTimesBeforeTakeIsTakenOnce() throws Exception {
        queue.add("a");
        queue.add("b");
        queue.add("a");
        queue.add("a");

        assertThat(queue.length()).isEqualTo(2);
        assertThat(queue.take()).isEqualTo("a");
        assertThat(queue.take()).isEqualTo("b");
        assertThat(queue.length()).isZero();
    }

    @Test
    void keyAddedWhileProcessingIsQueuedAgainOnlyAfterDone() throws Exception {
        queue.add("a");
        assertThat(queue.take()).isEqualTo("a");

        queue.add("a");
        queue.add("a");
        assertThat(queue.length()).isZero(); // held back while a worker has it

        queue.done("a");
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.take()).isEqualTo("a");
        queue.done("a");
        assertThat(queue.length()).isZero();
    }

    @Test
    void keyNotAddedAgainIsNotRequeuedByDone() throws Exception {
        queue.add("a");
        queue.done(queue.take());

        assertThat(queue.length()).isZero();
    }

    @Test
    void noKeyIsProcessedByTwoWorkersAtOnce() throws Exception {
        int workers = 8;
        int keys = 5;
        int addsPerKey = 400;
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger processed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers + 1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                running.add(pool.submit(() -> {
                    String key;
                    while ((key = queue.take()) != null) {
                        AtomicInteger count = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
                        if (count.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.yield();
                        count.decrementAndGet();
                        processed.incrementAndGet();
                        queue.done(key);
                    }
                    return null;
                }));
            }
            Future<?> adder = pool.submit(() -> {
                for (int i = 0; i < addsPerKey; i++) {
                    for (int k = 0; k < keys; k++) {
                        queue.add("key-" + k);
                    }
                }
            });
            adder.get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            queue.length() == 0 && inFlight.values().stream().allMatch(c -> c.get() == 0));
            queue.shutDownWithDrain();
            for (Future<?> worker : running) {
                worker.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
        assertThat(processed.get()).isBetween(keys, keys * addsPerKey);
    }

    @Test
    void addAfterQueuesOnceTheDelayHasPassed() throws Exception {
        queue.addAfter("a", Duration.ofSeconds(1));
        scheduler.advance(Duration.ofMillis(999));
        assertThat(queue.length()).isZero();
        assertThat(queue.waitingCount()).isEqualTo(1);

        scheduler.advance(Duration.ofMillis(1));
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.waitingCount()).isZero();
    }

    @Test
    void keyWaitingTwiceKeepsTheEarlierTimeAndIsAddedOnce() throws Exception {
        queue.addAfter("a", Duration.ofSeconds(10));
        queue.addAfter("a", Duration.ofSeconds(1));
        queue.addAfter("a", Duration.ofSeconds(5));

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(queue.length()).isEqualTo(1);
        queue.done(queue.take());

        scheduler.advance(Duration.ofSeconds(20));
        assertThat(queue.length()).isZero();
    }

    @Test
    void rateLimitedAddsBackOffExponentiallyPerKeyUntilForgotten() throws Exception {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            queue.addRateLimited("a");
            delays.add(timeUntilQueued());
            queue.done(queue.take());
        }
        assertThat(delays)
                .containsExactly(
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
        assertThat(queue.retries("a")).isEqualTo(4);

        queue.forget("a");
        assertThat(queue.retries("a")).isZero();
        queue.addRateLimited("a");
        assertThat(timeUntilQueued()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void shutDownIgnoresNewKeysAndHandsOutQueuedOnesThenNull() throws Exception {
        queue.add("a");
        queue.addAfter("later", Duration.ofSeconds(1));
        queue.shutDown();
        queue.add("b");
        scheduler.advance(Duration.ofSeconds(2));

        assertThat(queue.isShuttingDown()).isTrue();
        assertThat(queue.take()).isEqualTo("a");
        assertThat(queue.take()).isNull();
    }

    @Test
    void takeBlockedOnAnEmptyQueueReturnsNullOnShutDown() throws Exception {
        CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.shutDown();

        assertThat(taken.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void shutDownWithDrainWaitsForKeysBeingProcessed() throws Exception {
        queue.add("a");
        assertThat(queue.take()).isEqualTo("a");

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
            try {
                queue.shutDownWithDrain();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(queue::isShuttingDown);
        assertThat(drained).isNotDone(); // "a" is still processing, so the drain cannot have ended

        queue.done("a");
        drained.get(10, TimeUnit.SECONDS);
    }

    /** Steps the clock a millisecond at a time until a key is queued; the time that took. */
    private Duration timeUntilQueued() {
        Duration waited = Duration.ZERO;
        for (int ms = 0; ms < 100_000 && queue.length() == 0; ms++) {
            scheduler.advance(Duration.ofMillis(1));
            waited = waited.plusMillis(1);
        }
        return waited;
    }
}
