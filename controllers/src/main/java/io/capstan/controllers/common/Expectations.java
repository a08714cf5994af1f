package io.capstan.controllers.common;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Creates and deletes a controller has asked for but not yet seen in its cache, per controller key,
 * as client-go's UIDTrackingControllerExpectations. A controller that acts only when {@link
 * #satisfied} never creates a second pod for a replica whose first pod is still on its way to the
 * informer.
 *
 * <p>Worked example for key {@code shop/web}:
 *
 * <pre>
 *   expectCreations(k, 3)            add=3 del=0   satisfied: false
 *   creationObserved(k) x2           add=1         satisfied: false (one pod still in flight)
 *   creationObserved(k)              add=0         satisfied: true
 *   expectDeletions(k, [p1, p2])     del=2, tracking {p1, p2}
 *   deletionObserved(k, p1) twice    del=1 (the second is not counted: p1 was already seen)
 *   deletionObserved(k, p9)          del=1 (p9 was not asked for)
 * </pre>
 *
 * A key with no record is satisfied (a new controller, or one that has never acted), and so is a
 * record older than {@link #TIMEOUT}: a watch event that never came must not stall the controller
 * forever. Each {@code expect*} call replaces the key's record and restarts its clock.
 *
 * <p>Thread-safe: informer handlers observe while workers expect and check.
 */
public final class Expectations {
    /** How long an unfulfilled record holds before it counts as satisfied anyway (client-go's). */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final InstantSource clock;
    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, Tally> records = new HashMap<>();

    private static final class Tally {
        long add;
        long del;
        final Instant since;
        final Set<String> deleting = new HashSet<>();

        Tally(long add, long del, Instant since) {
            this.add = add;
            this.del = del;
            this.since = since;
        }
    }

    public Expectations(InstantSource clock) {
        this.clock = clock;
    }

    /** True when nothing asked for is still unseen, the key has no record, or its record expired. */
    public boolean satisfied(String key) {
        synchronized (lock) {
            Tally record = records.get(key);
            if (record == null) {
                return true;
            }
            if (record.add <= 0 && record.del <= 0) {
                return true;
            }
            return Duration.between(record.since, clock.instant()).compareTo(TIMEOUT) > 0;
        }
    }

    /** Expects {@code count} creations for {@code key}, replacing whatever it expected before. */
    public void expectCreations(String key, int count) {
        synchronized (lock) {
            records.put(key, new Tally(count, 0, clock.instant()));
        }
    }

    /**
     * Expects the deletion of each of {@code objectKeys} (e.g. {@code namespace/name} of pods),
     * replacing whatever {@code key} expected before.
     */
    public void expectDeletions(String key, Collection<String> objectKeys) {
        synchronized (lock) {
            Tally record = new Tally(0, 0, clock.instant());
            record.deleting.addAll(objectKeys);
            record.del = record.deleting.size();
            records.put(key, record);
        }
    }

    /** One expected creation was seen (or will never happen: its request failed). */
    public void creationObserved(String key) {
        creationsObserved(key, 1);
    }

    /** {@code count} expected creations were seen or were given up (skipped after a failure). */
    public void creationsObserved(String key, int count) {
        synchronized (lock) {
            Tally record = records.get(key);
            if (record != null) {
                record.add -= count;
            }
        }
    }

    /**
     * The deletion of {@code objectKey} was seen (or its request failed). Counts once per object,
     * and only for objects {@link #expectDeletions} named.
     */
    public void deletionObserved(String key, String objectKey) {
        synchronized (lock) {
            Tally record = records.get(key);
            if (record != null && record.deleting.remove(objectKey)) {
                record.del--;
            }
        }
    }

    /** Forgets {@code key}, e.g. once its controller object is gone. */
    public void delete(String key) {
        synchronized (lock) {
            records.remove(key);
        }
    }

    /** Creations and deletions still unseen for {@code key}, for logs and tests. */
    public Pending pending(String key) {
        synchronized (lock) {
            Tally record = records.get(key);
            if (record == null) {
                return new Pending(0, 0);
            }
            return new Pending(record.add, record.del);
        }
    }

    /** Counts of unseen creations and deletions. */
    public record Pending(long creations, long deletions) {}
}
