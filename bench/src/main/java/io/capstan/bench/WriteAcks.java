package io.capstan.bench;

import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * When the writer of a watch run received the answer to each write, by the resourceVersion the
 * write produced, so a watcher can split an event's delivery latency into the write's own latency
 * and the time the event took after the write was acknowledged. Holds at most {@code capacity}
 * writes; later ones are not tracked. Thread-safe.
 */
final class WriteAcks {
    private final ConcurrentHashMap<Long, Long> ackedAtNanos = new ConcurrentHashMap<>();
    private final int capacity;

    WriteAcks(int capacity) {
        this.capacity = capacity;
    }

    void acked(long resourceVersion, long atNanos) {
        if (ackedAtNanos.size() < capacity) {
            ackedAtNanos.put(resourceVersion, atNanos);
        }
    }

    /** The {@code System.nanoTime()} the write of {@code resourceVersion} was acknowledged; null if not (yet). */
    @Nullable
    Long ackedAt(long resourceVersion) {
        return ackedAtNanos.get(resourceVersion);
    }
}
