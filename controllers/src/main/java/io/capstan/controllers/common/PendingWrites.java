package io.capstan.controllers.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a controller has made that its informer has not shown yet, by object key. A controller
 * that acts on a cached object still at the version it wrote over would act on a state it has
 * already changed (and its write would only conflict); it waits for the watch event instead, which
 * requeues it anyway.
 *
 * <pre>
 *   wrote("shop/web-1", "41", "57")    cache still at 41 -> isStale("shop/web-1", "41") = true
 *   cache moves to 57 (or any other)  -> isStale(...) = false, and the record is dropped
 * </pre>
 *
 * Versions are compared only for equality. A write that changed nothing (same version before and
 * after) is not recorded. Thread-safe.
 */
public final class PendingWrites {
    private final Map<String, String> versionBeforeWrite = new ConcurrentHashMap<>();

    /** The object under {@code key} was written from {@code before} to {@code after}. */
    public void wrote(String key, String before, String after) {
        if (!before.equals(after)) {
            versionBeforeWrite.put(key, before);
        }
    }

    /** Whether the cache still holds the version a recorded write replaced. */
    public boolean isStale(String key, String cachedVersion) {
        String before = versionBeforeWrite.get(key);
        if (before == null) {
            return false;
        }
        if (before.equals(cachedVersion)) {
            return true;
        }
        versionBeforeWrite.remove(key, before);
        return false;
    }

    /** Forgets {@code key}, e.g. once the object is gone. */
    public void forget(String key) {
        versionBeforeWrite.remove(key);
    }
}
