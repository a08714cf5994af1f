package io.capstan.kubelet.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The crash-loop back-off of restarted containers, with Kubernetes' numbers by default: the first
 * restart waits {@code initial} (10 s), each further one twice as long up to {@code max} (5 min);
 * a container that ran {@code resetAfter} (10 min) before it exited starts over at {@code initial}.
 * Keyed by pod uid and container name; forgotten when the pod leaves the node.
 */
final class RestartBackoff {
    private final Duration initial;
    private final Duration max;
    private final Duration resetAfter;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** {@code delay}: the wait after the next exit. */
    private record Entry(Duration delay, Instant notBefore, String exitedContainer) {}

    RestartBackoff(Duration initial, Duration max, Duration resetAfter) {
        this.initial = initial;
        this.max = max;
        this.resetAfter = resetAfter;
    }

    /**
     * When the container that exited (id {@code exitedContainer}, after running {@code ran}) may be
     * started again: at once after its first exit (or after a run of at least {@code resetAfter}),
     * then {@code initial}, doubling to {@code max}, after each further exit, as Kubernetes does. The
     * first call for one exited container fixes the time; later calls for it return the same time.
     */
    Instant restartAt(String key, String exitedContainer, Instant finishedAt, Duration ran) {
        Entry entry = entries.compute(key, (k, previous) -> {
            if (previous != null && previous.exitedContainer().equals(exitedContainer)) {
                return previous;
            }
            if (previous == null || ran.compareTo(resetAfter) >= 0) {
                return new Entry(initial, finishedAt, exitedContainer);
            }
            Duration wait = previous.delay();
            Duration doubled = wait.multipliedBy(2);
            return new Entry(doubled.compareTo(max) > 0 ? max : doubled, finishedAt.plus(wait), exitedContainer);
        });
        return entry.notBefore();
    }

    /** How long the restart now waited for waits in all, for messages ("back-off 20s restarting ..."). */
    Duration waiting(String key, Instant finishedAt) {
        Entry entry = entries.get(key);
        return entry == null ? Duration.ZERO : Duration.between(finishedAt, entry.notBefore());
    }

    void forgetPod(String podUid) {
        entries.keySet().removeIf(key -> key.startsWith(podUid + "/"));
    }

    static String key(String podUid, String container) {
        return podUid + "/" + container;
    }
}
