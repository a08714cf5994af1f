package io.capstan.cli.output;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Ages as kubectl prints them (apimachinery's {@code duration.HumanDuration}): 5s, 3m20s, 2h, 4d. */
public final class Age {
    private Age() {}

    /** The age of something created at {@code since}; {@code <unknown>} for an unset time. */
    public static String since(Timestamp since, Instant now) {
        if (since.getSeconds() == 0 && since.getNanos() == 0) {
            return "<unknown>";
        }
        return format(Duration.between(Instant.ofEpochSecond(since.getSeconds(), since.getNanos()), now));
    }

    /**
     * {@code d} in at most two units, coarser as it grows. Up to 2 s into the future reads as
     * {@code 0s} (clock skew); further is {@code <invalid>}.
     */
    public static String format(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = (hours / 24) % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
