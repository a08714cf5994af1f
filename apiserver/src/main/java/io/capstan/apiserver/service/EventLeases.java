package io.capstan.apiserver.service;

import io.capstan.apiserver.storage.KvStore;
import io.capstan.proto.etcd.LeaseGrantRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * Store leases that expire Events, as kube-apiserver's: an Event's key is attached to a lease of
 * the event TTL (1 hour by default), and events written within one minute share a lease whose TTL
 * is stretched by that minute, so a busy cluster grants about one lease a minute rather than one
 * per event. When the lease expires the store deletes every key attached to it in one revision.
 */
final class EventLeases {
    private static final Duration SHARING_WINDOW = Duration.ofMinutes(1);

    private final KvStore kv;
    private final Duration ttl;
    private final Duration timeout;
    private long leaseId;
    private Instant windowEnd = Instant.MIN;

    EventLeases(KvStore kv, Duration ttl, Duration timeout) {
        this.kv = kv;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    /** A lease that keeps an event written at {@code now} for at least the TTL. */
    synchronized long leaseFor(Instant now) {
        if (leaseId == 0 || !now.isBefore(windowEnd)) {
            Duration window = ttl.compareTo(SHARING_WINDOW) < 0 ? Duration.ZERO : SHARING_WINDOW;
            long seconds = Math.max(1, ttl.plus(window).toSeconds());
            leaseId = Futures.await(
                            kv.leaseGrant(LeaseGrantRequest.newBuilder()
                                    .setTTL(seconds)
                                    .build()),
                            timeout)
                    .getID();
            windowEnd = now.plus(window.isZero() ? Duration.ofSeconds(1) : window);
        }
        return leaseId;
    }
}
