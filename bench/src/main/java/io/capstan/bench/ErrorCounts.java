package io.capstan.bench;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Failed requests by gRPC status code (UNAVAILABLE, DEADLINE_EXCEEDED, ...). Thread-safe. */
final class ErrorCounts {
    private final ConcurrentHashMap<String, LongAdder> byCode = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    /** Counts {@code failure} and returns its gRPC status code. */
    Status.Code record(Throwable failure) {
        Status.Code code = Status.fromThrowable(failure).getCode();
        byCode.computeIfAbsent(code.name(), k -> new LongAdder()).increment();
        total.increment();
        return code;
    }

    long total() {
        return total.sum();
    }

    Map<String, Long> byCode() {
        Map<String, Long> copy = new TreeMap<>();
        byCode.forEach((code, n) -> copy.put(code, n.sum()));
        return copy;
    }
}
