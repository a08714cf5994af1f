package io.capstan.controllers.alerts;

import io.capstan.client.events.ProtoTimes;
import io.capstan.proto.api.v1.AlertDelivery;
import io.capstan.proto.api.v1.Event;
import java.time.Instant;
import java.util.Comparator;

/**
 * The order in which a route's alerts are sent and its resume point: an Event at a count sorts by
 * its last timestamp, then its uid, then its count. Since a repeat raises both the count and the
 * last timestamp, an Event (uid, count) once passed is never after the cursor again.
 */
record AlertOrder(Instant time, String uid, int count) implements Comparable<AlertOrder> {
    private static final Comparator<AlertOrder> ORDER = Comparator.comparing((AlertOrder order) -> order.time())
            .thenComparing(AlertOrder::uid)
            .thenComparingInt(AlertOrder::count);

    static AlertOrder of(Event event) {
        return new AlertOrder(time(event), event.getMetadata().getUid(), Math.max(1, event.getCount()));
    }

    static AlertOrder of(AlertDelivery delivery) {
        String key = delivery.getKey();
        int slash = key.lastIndexOf('/');
        return new AlertOrder(
                ProtoTimes.toInstant(delivery.getTime()),
                slash >= 0 ? key.substring(0, slash) : key,
                delivery.getCount());
    }

    /** Before every Event at or after {@code time}. */
    static AlertOrder before(Instant time) {
        return new AlertOrder(time, "", 0);
    }

    /** The Event's last timestamp, else its first, else its creation. */
    static Instant time(Event event) {
        if (event.hasLastTimestamp()) {
            return ProtoTimes.toInstant(event.getLastTimestamp());
        }
        if (event.hasFirstTimestamp()) {
            return ProtoTimes.toInstant(event.getFirstTimestamp());
        }
        return ProtoTimes.toInstant(event.getMetadata().getCreationTimestamp());
    }

    boolean isAfter(AlertOrder other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(AlertOrder other) {
        return ORDER.compare(this, other);
    }
}
