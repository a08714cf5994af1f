package io.capstan.controllers.common;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a controller has made that its informer has not shown yet, by object key. A controller
 * that acts on a cached object still at the version it wrote over would act on a state it has
 * already changed (and its write would only conflict); it waits for the watch event instead, which
 * requeues it anyway.
 *
 * <pre>
 *   wrote("shop/web", "41", "57"), wrote("shop/web", "57", "58")
 *   cache still at 41 or 57       -> isStale("shop/web", ...) = true
 *   cache at 58 (or any other)    -> isStale(...) = false, and the record is dropped
 * </pre>
 *
 * Versions are compared only for equality. A write that changed nothing (same version before and
 * after) is not recorded. Thread-safe.
 */
public final class PendingWrites {
    private final Object lock = new Object();
    // guarded by lock: per key, the versions our writes replaced since the cache last caught up
    private final Map<String, Set<String>> replaced = new HashMap<>();

    /** The object under {@code key} was written from {@code before} to {@code after}. */
    public void wrote(String key, String before, String after) {
        if (before.equals(after)) {
            return;
        }
        synchronized (lock) {
            replaced.computeIfAbsent(key, k -> new HashSet<>()).add(before);
        }
    }

    /** Whether the cache still holds a version one of our recorded writes replaced. */
    public boolean isStale(String key, String cachedVersion) {
        synchronized (lock) {
            Set<String> versions = replaced.get(key);
            if (versions == null) {
                return false;
            }
            if (versions.contains(cachedVersion)) {
                return true;
            }
            replaced.remove(key);
            return false;
        }
    }

    /** Forgets {@code key}, e.g. once the object is gone. */
    public void forget(String key) {
        synchronized (lock) {
            replaced.remove(key);
        }
    }
}
