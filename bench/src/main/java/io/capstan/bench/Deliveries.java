package io.capstan.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each watcher of a watch run received: events counted once each in resourceVersion order, and
 * the delivery latency of each. An event whose resourceVersion is not above the last one its watcher
 * saw is a repeat or out of order: it is counted as such and not as delivered, so a watcher that
 * delivered as many events as writes were acknowledged has seen every one exactly once (the events
 * of writes that failed but were committed all the same can make that an overcount; see the docs).
 *
 * <p>Example, watcher 0 with writes acknowledged at resourceVersions 10, 11, 12:
 *
 * <pre>
 * seen(0, 9)          initial events end at 9   last=9  delivered=0
 * delivered(0, 10, d) MODIFIED 10                last=10 delivered=1
 * delivered(0, 10, d) MODIFIED 10 again (resume)  outOfOrder=1, delivered stays 1
 * delivered(0, 11, d), delivered(0, 12, d)        last=12 delivered=3: complete for 3 writes
 * </pre>
 *
 * <p>Thread-safe. Events of one watcher arrive in order from one stream at a time (a resumed watch
 * starts only after the previous stream ended), so per-watcher updates do not race each other.
 */
final class Deliveries {
    private final AtomicLongArray delivered;
    private final AtomicLongArray lastResourceVersion;
    private final LongAdder total = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();

    Deliveries(int watchers) {
        this.delivered = new AtomicLongArray(watchers);
        this.lastResourceVersion = new AtomicLongArray(watchers);
    }

    int watchers() {
        return delivered.length();
    }

    /**
     * A change event for {@code watcher} at {@code resourceVersion}; {@code latencyNanos} is receive
     * time minus the write's stamp, or negative when the object carried no stamp (it is then counted
     * but has no latency). Returns false for a repeat or an event out of order, which is not counted.
     */
    boolean delivered(int watcher, long resourceVersion, long latencyNanos) {
        if (resourceVersion <= lastResourceVersion.get(watcher)) {
            outOfOrder.increment();
            return false;
        }
        lastResourceVersion.set(watcher, resourceVersion);
        delivered.incrementAndGet(watcher);
        total.increment();
        if (latencyNanos >= 0) {
            latency.recordNanos(latencyNanos);
        }
        return true;
    }

    /** A bookmark or the end of the initial events: everything up to {@code resourceVersion} was sent. */
    void seen(int watcher, long resourceVersion) {
        lastResourceVersion.accumulateAndGet(watcher, resourceVersion, Math::max);
    }

    /** Where {@code watcher} would resume: the last resourceVersion it saw, 0 if none. */
    long lastResourceVersion(int watcher) {
        return lastResourceVersion.get(watcher);
    }

    long delivered(int watcher) {
        return delivered.get(watcher);
    }

    long total() {
        return total.sum();
    }

    long outOfOrder() {
        return outOfOrder.sum();
    }

    LatencyHistogram latency() {
        return latency;
    }

    /** Watchers that delivered at least {@code expectedPerWatcher} events. */
    int complete(long expectedPerWatcher) {
        int complete = 0;
        for (int w = 0; w < delivered.length(); w++) {
            if (delivered.get(w) >= expectedPerWatcher) {
                complete++;
            }
        }
        return complete;
    }

    /** The fewest events any watcher delivered; 0 without watchers. */
    long minPerWatcher() {
        long min = delivered.length() == 0 ? 0 : Long.MAX_VALUE;
        for (int w = 0; w < delivered.length(); w++) {
            min = Math.min(min, delivered.get(w));
        }
        return min;
    }
}
