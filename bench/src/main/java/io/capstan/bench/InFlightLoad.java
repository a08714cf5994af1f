package io.capstan.bench;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives asynchronous requests with at most {@code inFlight} outstanding, until {@code total}
 * requests were sent or {@code duration} has passed, whichever comes first; then waits up to {@code
 * drain} for the outstanding ones. With a rate it also paces sends to one every {@code 1/rate}
 * seconds (an open loop bounded by the in-flight limit); without one it sends as soon as a slot frees
 * (a closed loop, like etcd's benchmark tool, so latency excludes time spent waiting for a slot).
 *
 * <p>One instance serves one run; {@link #run} is called from one thread, completions arrive on any.
 */
final class InFlightLoad {
    /** Sends request number {@code seq} and reports its outcome to {@code done} exactly once. */
    @FunctionalInterface
    interface Request {
        void send(long seq, Completion done);
    }

    /** The outcome of one request. */
    interface Completion {
        void succeeded();

        void failed(Throwable failure);
    }

    /** What a run did: counts, and the time from the first send to the last completion. */
    record Outcome(long succeeded, long failed, long unfinished, Duration elapsed) {
        double elapsedSeconds() {
            return elapsed.toNanos() / 1e9;
        }
    }

    private final int inFlight;
    private final long total;
    private final Duration duration;
    private final double ratePerSecond;
    private final Duration drain;

    InFlightLoad(int inFlight, long total, Duration duration, double ratePerSecond, Duration drain) {
        this.inFlight = inFlight;
        this.total = total;
        this.duration = duration;
        this.ratePerSecond = ratePerSecond;
        this.drain = drain;
    }

    static InFlightLoad closedLoop(int inFlight, long total, Duration duration, Duration drain) {
        return new InFlightLoad(inFlight, total, duration, 0, drain);
    }

    Outcome run(Request request, LatencyHistogram latencies, ErrorCounts errors) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        LongAdder succeeded = new LongAdder();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        LongAccumulator lastDone = new LongAccumulator(Math::max, start);
        long deadline = start + duration.toNanos();
        long periodNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
        for (long seq = 0; seq < total; seq++) {
            long now = System.nanoTime();
            if (periodNanos > 0) {
                long due = start + seq * periodNanos;
                if (due - deadline >= 0) {
                    break;
                }
                while (due - (now = System.nanoTime()) > 0) {
                    LockSupport.parkNanos(due - now);
                }
            }
            if (deadline - now <= 0 || !slots.tryAcquire(deadline - now, TimeUnit.NANOSECONDS)) {
                break;
            }
            long sentAt = System.nanoTime();
            Completion done = new Completion() {
                @Override
                public void succeeded() {
                    long at = System.nanoTime();
                    latencies.recordNanos(at - sentAt);
                    succeeded.increment();
                    lastDone.accumulate(at);
                    slots.release();
                }

                @Override
                public void failed(Throwable failure) {
                    errors.record(failure);
                    failed.increment();
                    lastDone.accumulate(System.nanoTime());
                    slots.release();
                }
            };
            try {
                request.send(seq, done);
            } catch (RuntimeException e) {
                done.failed(e);
            }
        }
        boolean drained = slots.tryAcquire(inFlight, drain.toNanos(), TimeUnit.NANOSECONDS);
        long unfinished = drained ? 0 : inFlight - slots.availablePermits();
        return new Outcome(succeeded.sum(), failed.sum(), unfinished, Duration.ofNanos(lastDone.get() - start));
    }

    /** Adapts a unary gRPC response observer to a {@link Completion}. */
    static <T> StreamObserver<T> observer(Completion done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {}

            @Override
            public void onError(Throwable t) {
                done.failed(t);
            }

            @Override
            public void onCompleted() {
                done.succeeded();
            }
        };
    }
}
