package io.capstan.bench;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Keys and values the scenarios write. */
final class Payloads {
    private Payloads() {}

    /** {@code prefix} followed by {@code n} as 8 zero-padded digits, so keys sort in number order. */
    static ByteString key(String prefix, long n) {
        String digits = Long.toString(n);
        StringBuilder key = new StringBuilder(prefix.length() + 8).append(prefix);
        for (int i = digits.length(); i < 8; i++) {
            key.append('0');
        }
        return ByteString.copyFrom(key.append(digits).toString(), StandardCharsets.UTF_8);
    }

    /** {@code sizeBytes} of seeded pseudo-random letters: not compressible, the same on every run. */
    static ByteString value(int sizeBytes) {
        Random random = new Random(42);
        byte[] bytes = new byte[sizeBytes];
        for (int i = 0; i < sizeBytes; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return ByteString.copyFrom(bytes);
    }

    /** A value of {@code sizeBytes} (at least 8) starting with {@code stampNanos}, big-endian. */
    static ByteString stamped(long stampNanos, ByteString filler) {
        ByteBuffer head = ByteBuffer.allocate(Long.BYTES).putLong(0, stampNanos);
        return ByteString.copyFrom(head).concat(filler.substring(Math.min(Long.BYTES, filler.size())));
    }

    /** The stamp written by {@link #stamped}; -1 when the value is too short to carry one. */
    static long stampOf(ByteString value) {
        return value.size() < Long.BYTES
                ? -1
                : value.substring(0, Long.BYTES).asReadOnlyByteBuffer().getLong();
    }

    /** The etcd range end that selects every key starting with {@code prefix}. */
    static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }
}
