package io.capstan.controllers.replicaset;

import java.util.ArrayList;
import java.util.List;

/**
 * Batch sizes for creating many pods, as Kubernetes' slowStartBatch: 1, 2, 4, ... up to the
 * remainder. When a batch fails the rest is skipped, so a broken template (a quota, an admission
 * rule) costs a handful of failed requests, not hundreds.
 */
final class SlowStart {
    /** The most pods one sync creates or deletes (Kubernetes' burstReplicas). */
    static final int BURST_REPLICAS = 500;

    private SlowStart() {}

    /** Sizes summing to {@code count}: 1, 2, 4, ... and the remainder last. */
    static List<Integer> batches(int count) {
        List<Integer> sizes = new ArrayList<>();
        int remaining = count;
        for (int size = Math.min(remaining, 1); size > 0; size = Math.min(2 * size, remaining)) {
            sizes.add(size);
            remaining -= size;
        }
        return sizes;
    }
}
