package io.capstan.kubelet.proxy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One Service's connection counts; thread-safe, updated from any event loop. */
final class ServiceCounters {
    private final AtomicLong active = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    void accepted() {
        accepted.increment();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    void rejected() {
        rejected.increment();
    }

    ConnectionCounts snapshot() {
        return new ConnectionCounts(active.get(), accepted.sum(), rejected.sum());
    }
}
