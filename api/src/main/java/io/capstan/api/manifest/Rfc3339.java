package io.capstan.api.manifest;

import com.google.protobuf.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * google.protobuf.Timestamp as RFC 3339 text, the form Kubernetes uses for metav1.Time and
 * MicroTime: {@code 2026-01-02T03:04:05Z}, with a fraction of 3, 6 or 9 digits when the time has
 * one. Any offset is read and converted to UTC; output is always UTC.
 */
final class Rfc3339 {
    /** Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
    private static final long MIN_SECONDS = -62_135_596_800L;

    private static final long MAX_SECONDS = 253_402_300_799L;

    private static final DateTimeFormatter PARSER = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter()
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    private Rfc3339() {}

    /**
     * @throws IllegalArgumentException if {@code text} is not an RFC 3339 date-time within
     *     Timestamp's range
     */
    static Timestamp parse(String text) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(text, PARSER).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not an RFC 3339 time: " + text, e);
        }
        if (instant.getEpochSecond() < MIN_SECONDS || instant.getEpochSecond() > MAX_SECONDS) {
            throw new IllegalArgumentException("outside years 0001 to 9999: " + text);
        }
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    static String format(Timestamp timestamp) {
        return DateTimeFormatter.ISO_INSTANT.format(
                Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }
}
