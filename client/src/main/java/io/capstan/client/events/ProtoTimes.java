package io.capstan.client.events;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** Between {@link Timestamp} and {@link Instant}; an unset timestamp is an absent instant. */
public final class ProtoTimes {
    private ProtoTimes() {}

    public static Instant toInstant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    /** The timestamp as an instant, or empty when it is the unset (all-zero) value. */
    public static Optional<Instant> instant(Timestamp timestamp) {
        if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
            return Optional.empty();
        }
        return Optional.of(toInstant(timestamp));
    }

    public static Timestamp toTimestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    /** Whole seconds, as the times Kubernetes writes into conditions (metav1.Time). */
    public static Timestamp wholeSeconds(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }
}
