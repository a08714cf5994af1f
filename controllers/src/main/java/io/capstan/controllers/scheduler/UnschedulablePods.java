package io.capstan.controllers.scheduler;

import io.capstan.client.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pods that fit no node, parked until the cluster changes in a way that might make room, as
 * kube-scheduler's unschedulable pods, with its move-request cycle and its per-pod back-off.
 *
 * <p><b>Cycle.</b> A reconcile reads {@link #cycle()} before it runs the algorithm and parks the
 * pod with that value. If the cluster changed in between ({@link #clusterChanged()} ran after the
 * read), the pod is not parked: the change might be exactly what it needed, so {@link #park} tells
 * the caller to try it again after its back-off. Without this, a node added while a pod was being
 * found unschedulable would never wake that pod.
 *
 * <p><b>Back-off.</b> Each failed attempt of a pod doubles its back-off, from {@link
 * #INITIAL_BACKOFF} up to {@link #MAX_BACKOFF} (kube-scheduler's 1 s and 10 s). A woken pod is
 * tried again once its back-off since its last attempt has passed: at once if it has been parked
 * that long, later if it failed just now. So a burst of changes (pods finishing one after another on
 * a full cluster) does not retry every parked pod on every change. The count is kept until the pod
 * is {@link #remove}d (bound or deleted).
 *
 * <p>Example, back-off 1 s: park(a) at 0 s (attempt 1); a node is added at 5 s: a is woken with
 * delay 0; it fails again at 5 s (attempt 2, back-off 2 s); a pod finishes at 6 s: a is woken with
 * delay 1 s.
 *
 * <p>Thread-safe.
 */
final class UnschedulablePods {
    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** A parked pod to try again after {@code delay}. */
    record Wake(ObjectKey key, Duration delay) {}

    /** Failed attempts of a pod and when the last one was. */
    private record Attempts(int count, Instant last) {}

    private final InstantSource clock;
    // guarded by this
    private long cycle;
    // guarded by this; in the order they were parked
    private final Set<ObjectKey> parked = new LinkedHashSet<>();
    // guarded by this; every pod that failed and is not yet bound or deleted
    private final Map<ObjectKey, Attempts> attempts = new HashMap<>();

    UnschedulablePods(InstantSource clock) {
        this.clock = clock;
    }

    /** How many cluster changes have been reported so far. */
    synchronized long cycle() {
        return cycle;
    }

    /**
     * Counts a failed attempt of {@code key} and parks it if the cluster has not changed since
     * {@code cycleSeen}.
     *
     * @return empty if parked; otherwise how long to wait before trying the pod again
     */
    synchronized Optional<Duration> park(ObjectKey key, long cycleSeen) {
        Attempts previous = attempts.get(key);
        Attempts now = new Attempts(previous == null ? 1 : previous.count() + 1, clock.instant());
        attempts.put(key, now);
        if (cycle != cycleSeen) {
            return Optional.of(backoff(now.count()));
        }
        parked.add(key);
        return Optional.empty();
    }

    /** Forgets {@code key}: it was bound or deleted. */
    synchronized void remove(ObjectKey key) {
        parked.remove(key);
        attempts.remove(key);
    }

    /**
     * Reports a change that might make room; returns the parked pods, which are no longer parked,
     * each with what is left of its back-off.
     */
    synchronized List<Wake> clusterChanged() {
        cycle++;
        Instant now = clock.instant();
        List<Wake> woken = new ArrayList<>(parked.size());
        for (ObjectKey key : parked) {
            Attempts tried = attempts.get(key);
            Duration left = tried == null
                    ? Duration.ZERO
                    : Duration.between(now, tried.last().plus(backoff(tried.count())));
            woken.add(new Wake(key, left.isNegative() ? Duration.ZERO : left));
        }
        parked.clear();
        return woken;
    }

    /** How many pods are parked. */
    synchronized int size() {
        return parked.size();
    }

    /** 1 s, 2 s, 4 s, 8 s, then 10 s: kube-scheduler's pod back-off after {@code attempts} failures. */
    static Duration backoff(int attempts) {
        if (attempts >= 5) {
            return MAX_BACKOFF;
        }
        Duration backoff = INITIAL_BACKOFF.multipliedBy(1L << Math.max(0, attempts - 1));
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }
}
