package io.capstan.store.lease;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The applied lease state, identical on every peer: which leases exist, their TTLs and which keys
 * each holds. Only the apply thread changes it; other threads (the {@link Lessor}, the lease
 * service) may read it concurrently and see each lease either before or after a change. It knows
 * nothing of time: expiry is the lessor's business and arrives here as a revoke.
 */
public final class LeaseTable {
    private final ConcurrentSkipListMap<Long, Entry> leases = new ConcurrentSkipListMap<>();

    /**
     * Adds lease {@code id} with {@code ttlSeconds}.
     *
     * @throws LeaseExistsException if the id is taken
     */
    public void grant(long id, long ttlSeconds) {
        if (leases.putIfAbsent(id, new Entry(ttlSeconds)) != null) {
            throw new LeaseExistsException(id);
        }
    }

    /**
     * Removes lease {@code id}.
     *
     * @return its keys, sorted, so that deleting them is the same on every peer
     * @throws LeaseNotFoundException if there is no such lease
     */
    public List<ByteString> revoke(long id) {
        Entry entry = leases.remove(id);
        if (entry == null) {
            throw new LeaseNotFoundException(id);
        }
        return new ArrayList<>(entry.keys);
    }

    /** @throws LeaseNotFoundException if there is no such lease */
    public void attach(long id, ByteString key) {
        entry(id).keys.add(key);
    }

    /** Does nothing if the lease or the key is not there: the key may outlive a checkpointed view. */
    public void detach(long id, ByteString key) {
        Entry entry = leases.get(id);
        if (entry != null) {
            entry.keys.remove(key);
        }
    }

    /** @throws LeaseNotFoundException if there is no such lease */
    public void checkpoint(long id, long remainingTtlSeconds) {
        entry(id).remainingTtlSeconds = remainingTtlSeconds;
    }

    public boolean contains(long id) {
        return leases.containsKey(id);
    }

    public Optional<Lease> get(long id) {
        Entry entry = leases.get(id);
        return entry == null
                ? Optional.empty()
                : Optional.of(new Lease(id, entry.ttlSeconds, entry.remainingTtlSeconds, new ArrayList<>(entry.keys)));
    }

    /** Lease ids in ascending order. */
    public List<Long> ids() {
        return new ArrayList<>(leases.keySet());
    }

    private Entry entry(long id) {
        Entry entry = leases.get(id);
        if (entry == null) {
            throw new LeaseNotFoundException(id);
        }
        return entry;
    }

    private static final class Entry {
        final long ttlSeconds;
        volatile long remainingTtlSeconds;
        final ConcurrentSkipListSet<ByteString> keys =
                new ConcurrentSkipListSet<>(ByteString.unsignedLexicographicalComparator());

        Entry(long ttlSeconds) {
            this.ttlSeconds = ttlSeconds;
        }
    }
}
