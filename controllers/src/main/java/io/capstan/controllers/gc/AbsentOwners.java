package io.capstan.controllers.gc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Uids of owners the API confirmed absent, the most recent {@code capacity} of them: Kubernetes'
 * absentOwnerCache. A uid is never reused, so an owner once absent stays absent, and the dependents
 * of one deleted owner need only one lookup between them. Thread-safe.
 */
final class AbsentOwners {
    private final Map<String, Boolean> uids;

    AbsentOwners(int capacity) {
        this.uids = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String uid) {
        uids.put(uid, Boolean.TRUE);
    }

    synchronized boolean contains(String uid) {
        return uids.get(uid) != null;
    }
}
